using System.Text.RegularExpressions;

namespace Steward.Core.Messages;

/// <summary>Node names become NATS subject tokens, so they may not hold dots, spaces or wildcards.</summary>
public static partial class NodeName
{
    public const string Rule = "^[A-Za-z0-9_-]{1,64}$";

    /// <summary>As a <c>toNode</c>, the node where the message entered.</summary>
    public const string Local = "local";

    [GeneratedRegex(Rule)]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);
}
