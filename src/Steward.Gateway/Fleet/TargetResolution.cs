using Steward.Core.Fleet;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Gateway.Fleet;

/// <summary>
/// Resolves the selectors, name patterns and <c>onlyOnline</c> of posted messages against central's node registry, read
/// once per request: each message then names its nodes (<c>toNodes</c>) and nothing central resolves.
/// </summary>
internal static class TargetResolution
{
    public sealed record Resolved(IReadOnlyList<Message> Messages, IReadOnlyList<FanOut> FanOuts, Dictionary<string, string[]> Errors);

    /// <param name="messages">Messages already valid for their entry point.</param>
    /// <param name="isArray">Whether they came as an array: errors are then prefixed with their index (<c>[1].selector</c>).</param>
    public static async Task<Resolved> ResolveAsync(
        IReadOnlyList<Message> messages, bool isArray, NodeRuntime node, StewardOptions options, TimeProvider time, CancellationToken ct)
    {
        IReadOnlyList<FleetNode> registry = messages.Any(m => m.HasTargetsToResolve() || m.OnlyOnline)
            ? (await NodeRegistry.ReadAsync(node, options, time, ct)).Select(n => n.Target()).ToList()
            : [];
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var resolved = new List<Message>();
        var fanOuts = new List<FanOut>();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var (nodes, problems) = Targets.Resolve(message, registry, node.NodeName, options.MaxNodesPerFanOut, NodeRegistry.OnlineWithin(options));
            foreach (var (field, texts) in problems) errors[isArray ? $"[{i}].{field}" : field] = texts;
            if (problems.Count > 0) continue;
            resolved.Add(message.HasTargetsToResolve() || message.OnlyOnline
                ? message with { ToNode = null, ToNodes = [.. nodes], ToHosts = null, Selector = null, OnlyOnline = false }
                : message);
            var targets = new[] { message.ToNode }.Concat(message.ToNodes ?? []).Concat(message.ToHosts ?? []).OfType<string>().ToList();
            fanOuts.Add(new FanOut(message.Selector, targets, message.OnlyOnline, nodes, RolloutPlan.For(message, nodes.Count)));
        }
        return new Resolved(resolved, fanOuts, errors);
    }
}
