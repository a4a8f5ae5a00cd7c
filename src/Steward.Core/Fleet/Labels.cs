using System.Runtime.InteropServices;
using System.Text.Json;
using Steward.Core.Messages;
using System.Text.RegularExpressions;

namespace Steward.Core.Fleet;

/// <summary>
/// A node's labels: what it is (<c>role=web,site=north</c>), as configured in <c>Steward:Labels</c>, plus the automatic
/// <c>os</c>, <c>arch</c> and <c>version</c>. Keys and values as Kubernetes has them: letters, digits, <c>. _ -</c>.
/// </summary>
public static partial class Labels
{
    /// <summary>What a key or a value may be.</summary>
    public const string WordRule = "letters, digits, '.', '_' and '-' (at most 63, starting and ending with a letter or digit)";

    public const string Rule = "key=value pairs separated by commas; keys and values of " + WordRule;

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?\z")]
    private static partial Regex Word();

    public static bool IsWord(string text) => Word().IsMatch(text);

    /// <summary>Reads <c>role=web,site=north</c>; null with <paramref name="problem"/> when it does not follow <see cref="Rule"/>.</summary>
    public static IReadOnlyDictionary<string, string>? Parse(string? text, out string? problem)
    {
        problem = null;
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (pair.Split('=', 2) is not [var key, var value] || !IsWord(key.Trim()) || !IsWord(value.Trim()))
            {
                problem = $"'{pair}' is not key=value: {Rule}";
                return null;
            }
            if (!labels.TryAdd(key.Trim(), value.Trim()))
            {
                problem = $"label '{key.Trim()}' is given twice";
                return null;
            }
        }
        return labels;
    }

    /// <summary>
    /// What selectors match and <c>GET /nodes</c> shows: the labels of the node's last hello with those an operator set on
    /// central, the operator's winning; null when there are neither (both as JSON, as the registry keeps them).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Effective(string? hello, string? byOperator)
    {
        if (hello is null && byOperator is null) return null;
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var json in new[] { hello, byOperator }.OfType<string>())
            foreach (var (key, value) in JsonSerializer.Deserialize(json, StewardJson.Default.DictionaryStringString) ?? [])
                labels[key] = value;
        return labels;
    }

    /// <summary>The configured labels with the automatic ones (which the configuration cannot override).</summary>
    public static IReadOnlyDictionary<string, string> Of(IReadOnlyDictionary<string, string> configured, string version)
    {
        var labels = new SortedDictionary<string, string>(configured.ToDictionary(), StringComparer.Ordinal)
        {
            ["os"] = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "other",
            ["arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["version"] = Word().IsMatch(version) ? version : Regex.Replace(version, "[^A-Za-z0-9._-]", "_")[..Math.Min(63, version.Length)].Trim('_', '.', '-'),
        };
        return labels;
    }
}
