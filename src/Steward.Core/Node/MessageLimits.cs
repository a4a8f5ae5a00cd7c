using Steward.Core.Messages;

namespace Steward.Core.Node;

/// <summary>Fills the limits a message leaves at zero with the node's defaults, so the stored message says what applies.</summary>
internal static class MessageLimits
{
    public static Message WithDefaults(Message m, StewardOptions o) => m with
    {
        AckTimeout = Or(m.AckTimeout, o.DefaultAckTimeoutSeconds),
        Retries = Or(m.Retries, o.DefaultRetries),
        RetryWait = Or(m.RetryWait, o.DefaultRetryWaitSeconds),
        ReplyACKTimeout = Or(m.ReplyACKTimeout, Or(m.AckTimeout, o.DefaultAckTimeoutSeconds)),
        ReplyRetries = Or(m.ReplyRetries, Math.Max(o.DefaultReplyRetries, Or(m.Retries, o.DefaultRetries))),
        // A copy takes as long as its file and its link need: no limit unless the message sets one (cancel stops it).
        MethodTimeout = Or(m.MethodTimeout, m.Method == Methods.CopyFileFrom ? -1 : o.DefaultMethodTimeoutSeconds),
        ReplyMethodTimeout = Or(m.ReplyMethodTimeout, o.DefaultMethodTimeoutSeconds),
    };

    private static int Or(int value, int fallback) => value == 0 ? fallback : value;

    /// <summary>A method timeout as a span; <c>-1</c> means no limit.</summary>
    public static TimeSpan Timeout(int seconds) => seconds < 0 ? System.Threading.Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);
}
