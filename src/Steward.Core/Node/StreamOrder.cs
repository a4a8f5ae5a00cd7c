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
        lock (_tails)
        {
            var previous = _tails.GetValueOrDefault(stream, Task.CompletedTask);
            _tails[stream] = tasks.Run(what, async ct =>
            {
                await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await work(ct).ConfigureAwait(false);
            });
            if (_tails.Count > 64)
                foreach (var done in _tails.Where(t => t.Value.IsCompleted).Select(t => t.Key).ToList()) _tails.Remove(done);
        }
    }
}
