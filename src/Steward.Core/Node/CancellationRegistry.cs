using System.Collections.Concurrent;
using Steward.Core.Messages;

namespace Steward.Core.Node;

/// <summary>
/// The work in flight that an operator may cancel or list, by key: deliveries by message id, running methods by sender
/// and id.
/// </summary>
internal sealed class CancellationRegistry<TKey>(TimeProvider time) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Running> _running = new();
    private readonly ConcurrentDictionary<TKey, bool> _cancelledEarly = new();   // cancelled before its work started

    public sealed record Running(Message Message, DateTimeOffset Started, CancellationTokenSource Source);

    public IReadOnlyCollection<Running> InFlight => _running.Values.ToList();

    public bool IsRunning(TKey key) => _running.ContainsKey(key);

    /// <summary>A token that fires when <paramref name="stopping"/> does or when <see cref="TryCancel"/> is called for the key.</summary>
    public Lease Register(TKey key, Message message, CancellationToken stopping)
    {
        var running = new Running(message, time.GetUtcNow(), CancellationTokenSource.CreateLinkedTokenSource(stopping));
        _running[key] = running;
        if (_cancelledEarly.TryRemove(key, out _)) running.Source.Cancel();
        return new Lease(this, key, running);
    }

    /// <summary>Cancels the work for the key; with <paramref name="orWhenItStarts"/>, work not started yet is cancelled when it does.</summary>
    public bool TryCancel(TKey key, bool orWhenItStarts = false)
    {
        if (!_running.TryGetValue(key, out var running))
        {
            if (orWhenItStarts) _cancelledEarly[key] = true;
            return false;
        }
        try
        {
            running.Source.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;   // it finished between the lookup and the cancel
        }
    }

    internal sealed class Lease(CancellationRegistry<TKey> registry, TKey key, Running running) : IDisposable
    {
        public CancellationToken Token => running.Source.Token;

        public void Dispose()
        {
            registry._running.TryRemove(KeyValuePair.Create(key, running));
            running.Source.Dispose();
        }
    }
}
