using Steward.Core.Messages;

namespace Steward.Core.Fleet;

/// <summary>
/// A node of central's registry, as targeting sees it: its effective labels, whether it is online (seen within two
/// hello intervals), and whether its key is enrolled (a node without one is never chosen by a selector or a name
/// pattern: its answers could not be verified).
/// </summary>
public sealed record FleetNode(string Name, IReadOnlyDictionary<string, string> Labels, bool Online, bool Enrolled = true);

/// <summary>
/// Resolves the nodes a message names against central's registry: the exact names of <c>toNode</c>, <c>toNodes</c> and
/// <c>toHosts</c> as given (known to central or not, as always), then the nodes each name pattern matches, then those
/// the selector matches (each in name order, every node once); with <c>onlyOnline</c>, only the online ones of them all.
/// A selector or a pattern that matches nothing, or nothing left online, is an error naming its field.
/// </summary>
public static class Targets
{
    public sealed record Resolved(IReadOnlyList<string> Nodes, Dictionary<string, string[]> Errors);

    /// <param name="message">A message already valid for <see cref="EntryPoint.CentralMessages"/> or <see cref="EntryPoint.CentralBatch"/>.</param>
    /// <param name="registry">Every node central knows.</param>
    /// <param name="self">Central's name, which <c>local</c> means.</param>
    /// <param name="maxNodes">The most nodes one message may go to.</param>
    /// <param name="onlineWithin">How recent a hello makes a node online, for the error text.</param>
    public static Resolved Resolve(Message message, IReadOnlyList<FleetNode> registry, string self, int maxNodes, TimeSpan onlineWithin)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string error) => errors[field] = [.. errors.GetValueOrDefault(field, []), error];
        var nodes = new List<string>();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        void Choose(IEnumerable<string> names)
        {
            foreach (var name in names)
                if (chosen.Add(name)) nodes.Add(name);
        }
        var candidates = registry.Where(n => n.Enrolled).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var named = new[] { ("toNode", message.ToNode) }.Concat((message.ToNodes ?? []).Select(n => ("toNodes", (string?)n)))
            .Concat((message.ToHosts ?? []).Select(n => ("toHosts", (string?)n))).Where(n => n.Item2 is not null).ToList();

        Choose(named.Where(n => !NamePattern.IsPattern(n.Item2!)).Select(n => n.Item2 == NodeName.Local ? self : n.Item2!));
        foreach (var (field, pattern) in named.Where(n => NamePattern.IsPattern(n.Item2!)))
        {
            var matches = NamePattern.Matcher(pattern!);
            var matched = candidates.Where(n => matches(n.Name)).Select(n => n.Name).ToList();
            if (matched.Count == 0) Add(field, $"the name pattern '{pattern}' matches none of the {candidates.Count} nodes central knows");
            Choose(matched);
        }
        if (message.Selector is { } text && Selector.Parse(text, out _) is { } selector)
        {
            var matched = candidates.Where(n => selector.Matches(n.Labels)).Select(n => n.Name).ToList();
            if (matched.Count == 0) Add("selector", $"the selector '{text}' matches none of the {candidates.Count} nodes central knows");
            Choose(matched);
        }
        if (errors.Count > 0) return new([], errors);

        if (message.OnlyOnline)
        {
            var online = registry.Where(n => n.Online).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            var before = nodes.Count;
            nodes = nodes.Where(online.Contains).ToList();
            if (nodes.Count == 0)
                Add("onlyOnline", $"none of the {before} node(s) targeted is online (a hello within {onlineWithin.TotalSeconds:0} s)");
        }
        if (nodes.Count > maxNodes)
            Add(message.Selector is not null ? "selector" : "toNodes", $"{nodes.Count} nodes; at most {maxNodes} per message (Steward:MaxNodesPerFanOut)");
        return new(errors.Count > 0 ? [] : nodes, errors);
    }
}
