using System.Collections.Concurrent;

namespace Steward.Core.Delivery;

/// <summary>The work in flight that an operator may cancel, by key: deliveries by message id, running methods by sender and id.</summary>
internal sealed class CancellationRegistry<TKey> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<TKey, bool> _cancelledEarly = new();   // cancelled before its work started

    public ICollection<TKey> Keys => _running.Keys;

    /// <summary>A token that fires when <paramref name="stopping"/> does or when <see cref="TryCancel"/> is called for the key.</summary>
    public Lease Register(TKey key, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[key] = source;
        if (_cancelledEarly.TryRemove(key, out _)) source.Cancel();
        return new Lease(this, key, source);
    }

    /// <summary>Cancels the work for the key; work that has not started yet is cancelled as soon as it does.</summary>
    public bool TryCancel(TKey key)
    {
        if (!_running.TryGetValue(key, out var source))
        {
            _cancelledEarly[key] = true;
            return false;
        }
        try
        {
            source.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;   // it finished between the lookup and the cancel
        }
    }

    internal sealed class Lease(CancellationRegistry<TKey> registry, TKey key, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            registry._running.TryRemove(KeyValuePair.Create(key, source));
            source.Dispose();
        }
    }
}
