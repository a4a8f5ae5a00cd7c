using Steward.Core.Messages;

namespace Steward.Core.Trust;

/// <summary>
/// Which sender may call which methods on this node: sender name (or <c>*</c> for any enrolled node) → method patterns
/// (<c>*</c>, a prefix such as <c>REQCliCommand*</c>, or a name). Three layers, each replacing the entries of the one
/// below sender by sender: the default (central may call everything; any enrolled node may send its hello and error
/// logs), <c>Steward:Allow</c>, and the rules central pushed (<c>REQAclUpdate</c>, kept in <c>&lt;data&gt;/rules.json</c>).
/// So <c>{"ship1":["REQPing"]}</c> adds a rule and keeps central's; <c>{"central":[]}</c> takes central's away.
/// Replies are not ruled here: a reply is allowed when it answers a message this node sent to its sender
/// (<see cref="ArrivalCheck"/>).
/// </summary>
public sealed class MethodRules
{
    public const string FileName = "rules.json";
    public const string AnyNode = "*";

    private readonly string _path;
    private readonly IReadOnlyDictionary<string, string[]> _configured;
    private IReadOnlyDictionary<string, string[]> _current;

    public MethodRules(string dataFolder, string centralNode, IReadOnlyDictionary<string, string[]> configured)
    {
        _path = Path.Combine(dataFolder, FileName);
        _configured = Over(Default(centralNode), configured);
        _current = Over(_configured, TrustFile.Read(_path, StewardJson.Default.DictionaryStringStringArray) ?? []);
    }

    public static IReadOnlyDictionary<string, string[]> Default(string centralNode) => new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [centralNode] = ["*"],
        [AnyNode] = [Methods.Hello, Methods.ErrorLog],
    };

    /// <summary>The rules in force now.</summary>
    public IReadOnlyDictionary<string, string[]> Current => _current;

    public bool Allows(string sender, string method)
    {
        var rules = Current;
        return Matches(rules.GetValueOrDefault(sender), method) || Matches(rules.GetValueOrDefault(AnyNode), method);
    }

    /// <summary>Applies the rules central pushed, at once and across restarts; empty rules go back to the configured ones.</summary>
    public void Replace(IReadOnlyDictionary<string, string[]> pushed)
    {
        if (pushed.Count == 0) TrustFile.Delete(_path);
        else TrustFile.Write(_path, pushed.ToDictionary(StringComparer.Ordinal), StewardJson.Default.DictionaryStringStringArray);
        _current = Over(_configured, pushed);
    }

    private static Dictionary<string, string[]> Over(IReadOnlyDictionary<string, string[]> below, IReadOnlyDictionary<string, string[]> above)
    {
        var merged = new Dictionary<string, string[]>(below, StringComparer.Ordinal);
        foreach (var (sender, methods) in above) merged[sender] = methods;
        return merged;
    }

    /// <summary>Why <paramref name="rules"/> cannot be applied, or null: every sender a node name or *, every pattern a method or prefix.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string[]> rules)
    {
        foreach (var (sender, patterns) in rules)
        {
            if (sender != AnyNode && !NodeName.IsValid(sender)) return $"'{sender}' is not a node name or *";
            if (patterns is null || patterns.Any(p => string.IsNullOrEmpty(p) || (!p.EndsWith('*') && !Methods.All.Contains(p))))
                return $"the methods for '{sender}' must be method names or prefixes ending in *";
        }
        return null;
    }

    private static bool Matches(string[]? patterns, string method) =>
        patterns is not null && patterns.Any(p => p == method || (p.EndsWith('*') && method.StartsWith(p[..^1], StringComparison.Ordinal)));
}
