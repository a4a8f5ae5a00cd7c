using System.Text.RegularExpressions;

namespace Steward.Core.Fleet;

/// <summary>
/// A label selector in Kubernetes' grammar: requirements separated by commas, all of which must hold —
/// <c>role=web</c> (or <c>==</c>), <c>site!=south</c>, <c>role in (web,db)</c>, <c>tier notin (test)</c>, <c>gpu</c>
/// (the label exists), <c>!gpu</c> (it does not).
/// </summary>
public sealed partial class Selector
{
    private readonly IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private Selector(IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(requirement => requirement(labels));

    // key in (a,b) / key notin (a,b) / key=value / key==value / key!=value / key / !key
    [GeneratedRegex(@"^\s*(?:(?<key>[^\s!=(),]+)\s+(?<op>in|notin)\s*\((?<set>[^()]*)\)|(?<key>[^\s!=(),]+)\s*(?<op>==|=|!=)\s*(?<value>[^\s!=(),]+)|(?<not>!)?\s*(?<key>[^\s!=(),]+))\s*(?:,|$)")]
    private static partial Regex Requirement();

    /// <summary>Reads a selector; null with <paramref name="problem"/> saying where it went wrong.</summary>
    public static Selector? Parse(string text, out string? problem)
    {
        problem = null;
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        var rest = text.Trim();
        if (rest.Length == 0)
        {
            problem = "the selector is empty";
            return null;
        }
        while (rest.Length > 0)
        {
            var match = Requirement().Match(rest);
            if (!match.Success || !Labels.IsWord(match.Groups["key"].Value))
            {
                problem = $"cannot read '{rest}': expected key=value, key!=value, key in (a,b), key notin (a,b), key or !key";
                return null;
            }
            var key = match.Groups["key"].Value;
            var values = match.Groups["set"].Success
                ? match.Groups["set"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal)
                : [match.Groups["value"].Value];
            requirements.Add(match.Groups["op"].Value switch
            {
                "=" or "==" or "in" => labels => labels.TryGetValue(key, out var v) && values.Contains(v),
                "!=" or "notin" => labels => !labels.TryGetValue(key, out var v) || !values.Contains(v),
                _ when match.Groups["not"].Success => labels => !labels.ContainsKey(key),
                _ => labels => labels.ContainsKey(key),
            });
            rest = rest[match.Length..].TrimStart();
        }
        return new Selector(requirements);
    }
}
