using System.Runtime.CompilerServices;
using Steward.Core.State;

namespace Steward.Gateway.Messages;

/// <summary>A message's events from the database, then live as they are committed, until the message is final.</summary>
internal sealed class MessageEventFeed(NodeStore store)
{
    public async IAsyncEnumerable<MessageEvent> ReadAsync(long id, long after, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var next = store.Signals.NextAsync(id);
            // Read whether it is final *before* reading events: then every event up to the final state is in this read.
            var wasFinal = await store.Queries.FindOutboundAsync(id, ct) is { } row && MessageStates.IsFinal(row.State);
            foreach (var e in await store.Queries.EventsAsync(id, after, ct))
            {
                yield return e;
                after = e.Seq;
                if (e.Kind == EventKinds.State && MessageStates.IsFinal(e.State!)) yield break;
            }
            if (wasFinal) yield break;   // resumed after the final event: nothing more will come
            await next.WaitAsync(ct);
        }
    }
}
