namespace Steward.Core.Messages;

/// <summary>The method names of the wire contract, and which of them are acknowledged.</summary>
public static class Methods
{
    public const string CliCommand = "REQCliCommand";
    public const string CliCommandCont = "REQCliCommandCont";
    public const string TailFile = "REQTailFile";
    public const string HttpGet = "REQHttpGet";
    public const string ToFile = "REQToFile";
    public const string ToFileAppend = "REQToFileAppend";
    public const string ToConsole = "REQToConsole";
    public const string ToSocket = "REQToSocket";
    public const string CopyFileFrom = "REQCopyFileFrom";
    public const string CopyFileTo = "REQCopyFileTo";
    public const string Hello = "REQHello";
    public const string ErrorLog = "REQErrorLog";
    public const string Ping = "REQPing";
    public const string Pong = "REQPong";
    public const string OpProcessList = "REQOpProcessList";
    public const string OpProcessStart = "REQOpProcessStart";
    public const string OpProcessStop = "REQOpProcessStop";
    public const string OpCancel = "REQOpCancel";
    public const string OpClearQueue = "REQOpClearQueue";
    public const string RelayInitial = "REQRelayInitial";
    public const string Relay = "REQRelay";
    public const string None = "REQNone";
    public const string KeysUpdate = "REQKeysUpdate";
    public const string AclUpdate = "REQAclUpdate";

    /// <summary>The reply method used when a message names none.</summary>
    public const string DefaultReply = ToFileAppend;

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        CliCommand, CliCommandCont, TailFile, HttpGet, ToFile, ToFileAppend, ToConsole, ToSocket, CopyFileFrom, CopyFileTo, Hello, ErrorLog,
        Ping, Pong, OpProcessList, OpProcessStart, OpProcessStop, OpCancel, OpClearQueue, RelayInitial, Relay, None, KeysUpdate, AclUpdate,
    };

    /// <summary>NACK methods are published once; every other method waits for the receiver's ACK.</summary>
    public static bool IsAcknowledged(string method) => method != Hello;

    public static string EventOf(string method) => IsAcknowledged(method) ? "EventACK" : "EventNACK";
}
