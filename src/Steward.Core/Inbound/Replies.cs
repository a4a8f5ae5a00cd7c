using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Telemetry;

namespace Steward.Core.Inbound;

/// <summary>Builds the reply a receiver sends back to the message's sender.</summary>
internal static class Replies
{
    /// <summary>Whether the receiver answers with a reply; when not, the sender's message is done once ACKed.</summary>
    public static bool Wanted(Message request) =>
        !request.IsReply && request.ReplyMethod != Methods.None
        && request.Method is not (Methods.None or Methods.ErrorLog or Methods.Hello or Methods.Relay);   // a relay's reply comes from the far node

    /// <summary>Whether a message is answered by several replies: streaming methods, and methods run on a schedule.</summary>
    public static bool Streams(Message request) =>
        request.Schedule is not null || request.Method is Methods.CliCommandCont or Methods.TailFile or Methods.CopyFileFrom;

    /// <summary>
    /// Whether a reply for <paramref name="method"/> may come in parts (when too large for one broker message): only the
    /// methods that write the reply to a file join parts; any other would run once per part.
    /// </summary>
    public static bool JoinsParts(string method) => method is Methods.ToFileAppend or Methods.ToFile;

    /// <summary>The method that handles the reply on the sender: what the request named, or the default for its method.</summary>
    public static string MethodFor(Message request) =>
        request.ReplyMethod ?? (request.Method == Methods.Ping ? Methods.Pong : Methods.DefaultReply);

    public static Message For(Message request, ReplyStream.Part part, int seq, bool last) => new()
    {
        ToNode = request.FromNode,
        Method = MethodFor(request),
        MethodArgs = request.ReplyMethodArgs,
        AckTimeout = request.ReplyACKTimeout,
        Retries = request.ReplyRetries,
        RetryWait = request.RetryWait,
        MethodTimeout = request.ReplyMethodTimeout,
        Directory = request.Directory,
        FileName = request.FileName,
        Data = part.Data,
        ExitCode = part.ExitCode,
        ReplyPart = part.Number,
        IsReply = true,
        ReplySeq = seq,
        ReplyLast = last,
        PreviousMessage = request.Summary(),
        // The request's trace, for a node that makes no span of its own (its tracing is off): its outbox keeps it.
        TraceParent = StewardTracing.Valid(request.TraceParent),
    };
}
