namespace Steward.Core.Node;

/// <summary>
/// Runs work for one stream (the replies of one request) strictly one after another, while different streams run side by
/// side. Each piece is still its own supervised task.
/// </summary>
internal sealed class StreamOrder<TKey>(TaskSupervisor tasks) where TKey : notnull
{
    private readonly Dictionary<TKey, Task> _tails = [];

    public void Run(TKey stream, string what, Func<CancellationToken, Task> work)
    {
        Task tail;
        lock (_tails)
        {
            var previous = _tails.GetValueOrDefault(stream, Task.CompletedTask);
            tail = tasks.Run(what, async ct =>
            {
                await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await work(ct).ConfigureAwait(false);
            });
            _tails[stream] = tail;
        }
        // A stream leaves the table with its last piece: a fan-out's thousands of one-reply streams are each removed once,
        // where a sweep of the whole table on every call made them cost the square of their number.
        tail.ContinueWith(done =>
        {
            lock (_tails)
                if (_tails.TryGetValue(stream, out var current) && current == done) _tails.Remove(stream);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
