namespace Steward.Core.Messages;

/// <summary>Builds the NATS subjects of the wire contract: <c>&lt;toNode&gt;.&lt;method&gt;.&lt;event&gt;</c>.</summary>
public static class Subjects
{
    public static string For(string toNode, string method) => $"{toNode}.{method}.{Methods.EventOf(method)}";

    /// <summary>Everything addressed to a node: one subscription, so an unknown method is answered with a rejection.</summary>
    public static string AllFor(string node) => $"{node}.*.*";

    public static string MethodOf(string subject)
    {
        var first = subject.IndexOf('.', StringComparison.Ordinal);
        var last = subject.LastIndexOf('.');
        return first < 0 || last <= first ? "" : subject[(first + 1)..last];
    }
}
