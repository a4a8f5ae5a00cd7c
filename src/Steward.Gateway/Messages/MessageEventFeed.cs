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
            var events = await store.Queries.EventsAsync(id, after, ct);
            if (events.Count == 0 && await store.Queries.FindOutboundAsync(id, ct) is { } row && MessageStates.IsFinal(row.State)) yield break;
            foreach (var e in events)
            {
                yield return e;
                after = e.Seq;
                if (e.Kind == EventKinds.State && MessageStates.IsFinal(e.State!)) yield break;
            }
            await next.WaitAsync(ct);
        }
    }
}
