using System.Text.RegularExpressions;

namespace Steward.Core.Fleet;

/// <summary>
/// A node name pattern in <c>toNodes</c>/<c>toHosts</c>, as a shell glob has it: <c>*</c> any run of characters,
/// <c>?</c> one character (<c>ship*</c>, <c>web-?</c>). Resolved against central's node registry.
/// </summary>
public static partial class NamePattern
{
    public const string Rule = "a node name, or a pattern of name characters with * (any run) and ? (one character)";

    [GeneratedRegex(@"^[A-Za-z0-9_*?-]{1,64}\z")]
    private static partial Regex Shape();

    /// <summary>Whether <paramref name="text"/> is a pattern (it holds <c>*</c> or <c>?</c>) rather than a name.</summary>
    public static bool IsPattern(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Whether <paramref name="text"/> is a pattern of the allowed shape.</summary>
    public static bool IsValid(string text) => IsPattern(text) && Shape().IsMatch(text);

    /// <summary>A test for names; only for a valid pattern (its characters need no escaping but <c>*</c> and <c>?</c>).</summary>
    public static Func<string, bool> Matcher(string pattern)
    {
        var regex = new Regex("^" + pattern.Replace("*", ".*", StringComparison.Ordinal).Replace("?", ".", StringComparison.Ordinal) + @"\z",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        return regex.IsMatch;
    }
}
