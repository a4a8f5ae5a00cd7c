using System.Runtime.CompilerServices;
using Steward.Core.State;

namespace Steward.Gateway.Hosting;

/// <summary>
/// Stored items after a sequence number, then the ones the store pushes as they are committed, until the
/// <see cref="StreamEnd{T}"/> says nothing more will come: the one loop behind every event stream of the gateway. The
/// database is read when the stream starts, and again only when the feed dropped the stream for falling behind.
/// </summary>
internal static class LiveFeed
{
    /// <summary>How many items one read takes, so a long history streams out in pages instead of one query.</summary>
    public const int PageSize = 500;

    public static async IAsyncEnumerable<T> ReadAsync<T>(
        Func<Subscription<T>> subscribe, long after, Func<long, CancellationToken, Task<IReadOnlyList<T>>> readAfter, Func<T, long> seq,
        StreamEnd<T> end, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            // Subscribe before reading: what commits during the read is pushed as well, and skipped below as already sent.
            using var pushed = subscribe();
            // Ask whether it is over *before* reading: then everything up to the end is in this read.
            var wasOver = await end.IsOverAsync(ct);
            IReadOnlyList<T> page;
            do
            {
                page = await readAfter(after, ct);
                foreach (var item in page)
                {
                    yield return item;
                    after = seq(item);
                    // An end committed after IsOverAsync was asked and before the read: the read holds everything up to now.
                    if (end.EndsWith(item)) wasOver = true;
                }
            }
            while (page.Count >= PageSize);
            if (wasOver) yield break;
            await foreach (var item in pushed.ReadAllAsync(ct))
            {
                if (seq(item) > after)
                {
                    yield return item;
                    after = seq(item);
                }
                if (end.EndsWith(item)) yield break;
            }
            // The feed dropped this stream for falling behind: what it missed is read from the database on the next turn.
        }
    }
}
