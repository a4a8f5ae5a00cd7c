using Steward.Core.Node;

namespace Steward.Core.Fleet;

/// <summary>When central counts a node online: the one rule behind <c>GET /nodes</c>, fan-outs' <c>onlyOnline</c> and the metrics' gauge.</summary>
public static class NodesOnline
{
    /// <summary>A node is online when its last hello came within two hello intervals: one lost hello does not make it offline.</summary>
    public static TimeSpan Within(StewardOptions options) => TimeSpan.FromSeconds(2 * options.HelloIntervalSeconds);
}
