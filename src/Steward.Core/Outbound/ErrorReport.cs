using System.Globalization;
using System.Text;
using Steward.Core.Messages;

namespace Steward.Core.Outbound;

/// <summary>
/// An error for central's error log as a <c>REQErrorLog</c> message: stored and retried like any other, so an error on a
/// ship that is offline reaches central once the link is back.
/// </summary>
internal static class ErrorReport
{
    /// <summary>The <c>methodArgs[0]</c> of a report that ends the message it concerns: its receiver gave up on it.</summary>
    public const string Fails = "fails";

    /// <summary>
    /// The report of <paramref name="text"/> to <paramref name="toNode"/>, naming the message it concerns; null for an
    /// error about an error report, which only goes to the log (reporting it would fail the same way, without end).
    /// </summary>
    public static Message? For(string text, Message? concerning, string fromNode, string toNode, DateTimeOffset now)
    {
        if (concerning?.Method == Methods.ErrorLog) return null;
        var line = string.Create(CultureInfo.InvariantCulture, $"{now:yyyy-MM-ddTHH:mm:ssZ}, node: {fromNode}, {text}");
        if (concerning is not null) line += $" (message {concerning.FromNode}/{concerning.Id})";
        return new Message
        {
            ToNode = toNode,
            Method = Methods.ErrorLog,
            Data = Encoding.UTF8.GetBytes(line),
            PreviousMessage = concerning?.Summary(),
            // In the trace of the message it concerns, where no span of this node's is open (a delivery given up).
            TraceParent = Telemetry.StewardTracing.Valid(concerning?.TraceParent),
        };
    }
}
