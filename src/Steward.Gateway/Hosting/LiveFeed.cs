using System.Runtime.CompilerServices;
using Steward.Core.State;

namespace Steward.Gateway.Hosting;

/// <summary>
/// Stored items after a sequence number, then live as they are committed, until <c>isOver</c> says nothing more will
/// come: the one loop behind every event stream of the gateway.
/// </summary>
internal static class LiveFeed
{
    /// <summary>How many items one read takes, so a long history streams out in pages instead of one query.</summary>
    public const int PageSize = 500;

    public static async IAsyncEnumerable<T> ReadAsync<T>(
        EventSignals signals, long key, long after, Func<long, CancellationToken, Task<IReadOnlyList<T>>> readAfter, Func<T, long> seq,
        Func<CancellationToken, Task<bool>> isOver, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var next = signals.NextAsync(key);
            // Ask whether it is over *before* reading: then everything up to the end is in this read.
            var wasOver = await isOver(ct);
            IReadOnlyList<T> page;
            do
            {
                page = await readAfter(after, ct);
                foreach (var item in page)
                {
                    yield return item;
                    after = seq(item);
                }
            }
            while (page.Count >= PageSize);
            if (wasOver) yield break;
            await next.WaitAsync(ct);
        }
    }
}
