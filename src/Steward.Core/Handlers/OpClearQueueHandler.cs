using System.Globalization;
using System.Text;
using Steward.Core.Messages;
using Steward.Core.Outbound;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQOpClearQueue</c>, the original's open item "remove messages from the queue on nodes, by message ID and/or time
/// duration": cancels the unfinished messages this node is sending. <c>methodArgs</c> are message ids, an age
/// (<c>2h</c>: the ones queued longer than that), or both; the reply lists what was cancelled. Central may clear the
/// whole queue; any other node that its rules let send this only the messages addressed to itself.
/// </summary>
internal sealed class OpClearQueueHandler(Outbox outbox, string centralNode) : IMethodHandler
{
    public string Method => Methods.OpClearQueue;

    public string? Refusal(Message message) => Filter(message) is null
        ? $"methodArgs must be message ids and/or one age ({Durations.Rule}), at least one"
        : null;

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var sender = message.AskedBy().Node;
        var filter = sender == centralNode ? Filter(message)! : Filter(message)! with { ToNode = sender };
        var cancelled = await outbox.CancelQueuedAsync(filter, ct).ConfigureAwait(false);
        return new HandlerResult(Encoding.UTF8.GetBytes($"cancelled {cancelled.Count} message(s){(cancelled.Count > 0 ? ": " : "")}{string.Join(", ", cancelled)}\n"));
    }

    private static QueueFilter? Filter(Message message)
    {
        var (ids, ages) = (new List<long>(), new List<TimeSpan>());
        foreach (var arg in message.MethodArgs ?? [])
        {
            // An id is a long number of milliseconds; an age in plain seconds would read as one, so an age needs its unit.
            if (long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) ids.Add(id);
            else if (Durations.TryParse(arg, out var age)) ages.Add(age);
            else return null;
        }
        if (ids.Count == 0 && ages.Count == 0 || ages.Count > 1) return null;
        return new QueueFilter(OlderThan: ages.Count == 1 ? ages[0] : null, Ids: ids.Count > 0 ? ids : null);
    }
}
