using System.Runtime.CompilerServices;
using Steward.Core.State;

namespace Steward.Gateway.Hosting;

/// <summary>
/// Stored items after a sequence number, then live as they are committed, until <c>isOver</c> says nothing more will
/// come: the one loop behind every event stream of the gateway.
/// </summary>
internal static class LiveFeed
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        EventSignals signals, long key, long after, Func<long, CancellationToken, Task<IReadOnlyList<T>>> readAfter, Func<T, long> seq,
        Func<CancellationToken, Task<bool>> isOver, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var next = signals.NextAsync(key);
            // Ask whether it is over *before* reading: then everything up to the end is in this read.
            var wasOver = await isOver(ct);
            foreach (var item in await readAfter(after, ct))
            {
                yield return item;
                after = seq(item);
            }
            if (wasOver) yield break;
            await next.WaitAsync(ct);
        }
    }
}
