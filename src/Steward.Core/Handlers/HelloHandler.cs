using System.Text.Json;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.Core.Trust;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQHello</c> on central: records that the node is alive, with its version, OS and architecture, and sends it the
/// enrolled keys when the set it holds is not the current one.
/// </summary>
internal sealed class HelloHandler(NodeStore store, KeyRing keys, TimeProvider time) : IMethodHandler
{
    public string Method => Methods.Hello;

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var info = JsonData.Read(message, StewardJson.Default.HelloInfo);   // null from an older node: alive, details unknown
        await store.SawNodeAsync(new NodeEntry
        {
            Name = message.FromNode!, LastSeen = time.GetUtcNow().UtcDateTime,
            Version = info?.Version, Os = info?.Os, Arch = info?.Arch, StartedAt = info?.StartedAt.UtcDateTime,
            // What a node says of itself is kept only where it follows the rule, so a selector never meets junk.
            Labels = info?.Labels is { } labels
                ? JsonSerializer.Serialize(labels.Where(l => Fleet.Labels.IsWord(l.Key) && Fleet.Labels.IsWord(l.Value)).Take(64)
                    .ToDictionary(StringComparer.Ordinal), StewardJson.Default.DictionaryStringString)
                : null,
            // Counts that cannot be (a negative one would cancel out other nodes' in a sum over the fleet) are not kept.
            Metrics = info?.Metrics is { Done: >= 0, Failed: >= 0, Retries: >= 0, Rejected: >= 0 } metrics
                ? JsonSerializer.Serialize(metrics, StewardJson.Default.HelloMetrics)
                : null,
        }).ConfigureAwait(false);
        return info?.KeySetVersion is { } held && held != keys.Version
            ? new HandlerResult(null, Send: [KeysUpdateHandler.For(message.FromNode!, keys)])
            : HandlerResult.Empty;
    }
}
