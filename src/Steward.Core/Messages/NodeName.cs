using System.Text.RegularExpressions;

namespace Steward.Core.Messages;

/// <summary>Node names become NATS subject tokens, so they may not hold dots, spaces or wildcards.</summary>
public static partial class NodeName
{
    public const string Rule = "^[A-Za-z0-9_-]{1,64}$";

    /// <summary>As a <c>toNode</c>, the node where the message entered.</summary>
    public const string Local = "local";

    // \z, not $: "$" also matches before a final newline, so "ship1\n" would pass.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}\\z")]
    private static partial Regex Pattern();

    /// <summary>NATS's reply inboxes: a node of that name would be given every node's ACK answers by the broker config.</summary>
    private const string Inboxes = "_INBOX";

    public static bool IsValid(string? name) =>
        name is not null && Pattern().IsMatch(name) && !name.StartsWith(Inboxes, StringComparison.OrdinalIgnoreCase);
}
