using System.Text.Json;
using Steward.Core.Fleet;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.Gateway.Hosting;

namespace Steward.Gateway.Fleet;

/// <summary>A node as central knows it: by hello, by key, and by the labels operators set for it.</summary>
internal sealed record RegistryNode(
    string Name, NodeEntry? Seen, bool Online, IReadOnlyDictionary<string, string>? Labels, IReadOnlyDictionary<string, string>? OperatorLabels,
    string? PublicKey, string? PendingKey)
{
    public NodeView View() => Seen is { } n
        ? new NodeView(Name, n.FirstSeen, n.LastSeen, Online, n.Version, n.Os, n.Arch, n.StartedAt, PublicKey, PendingKey, Labels, OperatorLabels,
            n.Metrics is { } metrics ? JsonSerializer.Deserialize(metrics, StewardJson.Default.HelloMetrics) : null)
        : new NodeView(Name, null, null, false, null, null, null, null, PublicKey, PendingKey, Labels, OperatorLabels);

    public FleetNode Target() => new(Name, Labels ?? new Dictionary<string, string>(), Online, Enrolled: PublicKey is not null);
}

/// <summary>
/// Central's node registry, read whole: the nodes heard from by hello, enrolled or waiting for approval, with their
/// effective labels (the hello's and the operator's, the operator's winning). <c>GET /nodes</c> lists it, and fan-outs
/// resolve selectors and name patterns against it, so a preview shows what <c>GET /nodes?selector=</c> shows.
/// </summary>
internal static class NodeRegistry
{
    /// <summary>A node is online when its last hello came within two hello intervals (<see cref="NodesOnline"/>).</summary>
    public static TimeSpan OnlineWithin(StewardOptions options) => NodesOnline.Within(options);

    public static async Task<IReadOnlyList<RegistryNode>> ReadAsync(NodeRuntime node, StewardOptions options, TimeProvider time, CancellationToken ct)
    {
        var onlineSince = time.GetUtcNow().UtcDateTime - OnlineWithin(options);
        var seen = (await node.Queries.NodesAsync(ct)).ToDictionary(n => n.Name, StringComparer.Ordinal);
        var byOperator = (await node.Queries.NodeLabelsAsync(ct)).ToDictionary(n => n.Name, n => n.Labels, StringComparer.Ordinal);
        var (known, pending) = (node.Keys.Known, node.Keys.Pending);
        return seen.Keys.Concat(known.Keys).Concat(pending.Keys).Concat(byOperator.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(name =>
            {
                var entry = seen.GetValueOrDefault(name);
                var operatorLabels = byOperator.GetValueOrDefault(name);
                return new RegistryNode(name, entry, entry?.LastSeen >= onlineSince, Labels.Effective(entry?.Labels, operatorLabels),
                    Labels.Effective(null, operatorLabels), known.GetValueOrDefault(name), pending.GetValueOrDefault(name));
            })
            .ToList();
    }
}
