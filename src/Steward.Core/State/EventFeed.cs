using System.Threading.Channels;

namespace Steward.Core.State;

/// <summary>
/// Hands committed events to the streams that follow them: a message's, a batch's, the error log's. The writer publishes
/// after each commit, in commit order, so each subscriber sees its items in <c>Seq</c> order. A subscriber that falls
/// <see cref="Capacity"/> items behind is dropped (its channel completes) and reads on from the database: the writer
/// never waits for a reader, and a reader that stops never holds more than <see cref="Capacity"/> items.
/// </summary>
/// <remarks>Hand-written because no platform type fans out to keyed, bounded subscribers that are dropped when full.</remarks>
public sealed class EventFeed
{
    public const int Capacity = 256;

    private readonly Topic<MessageEvent> _messages = new();
    private readonly Topic<MessageEvent> _batches = new();
    private readonly Topic<ErrorEntry> _errors = new();

    /// <summary>The events of one message committed from now on.</summary>
    public Subscription<MessageEvent> SubscribeMessage(long id) => _messages.Subscribe(id);

    /// <summary>The events of every message of one batch committed from now on.</summary>
    public Subscription<MessageEvent> SubscribeBatch(long batchId) => _batches.Subscribe(batchId);

    /// <summary>The error log's entries committed from now on.</summary>
    public Subscription<ErrorEntry> SubscribeErrors() => _errors.Subscribe(ErrorLogKey);

    private const long ErrorLogKey = 0;

    internal void Publish(CommittedItems committed)
    {
        foreach (var (e, batchId) in committed.Events)
        {
            _messages.Publish(e.MessageId, e);
            if (batchId is { } batch) _batches.Publish(batch, e);
        }
        foreach (var entry in committed.Errors) _errors.Publish(ErrorLogKey, entry);
    }

    private sealed class Topic<T>
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<long, List<Subscription<T>>> _subscribers = [];

        public Subscription<T> Subscribe(long key)
        {
            var subscription = new Subscription<T>(Channel.CreateBounded<T>(new BoundedChannelOptions(Capacity) { SingleReader = true }),
                s => Remove(key, s));
            lock (_gate)
            {
                if (!_subscribers.TryGetValue(key, out var list)) _subscribers[key] = list = [];
                list.Add(subscription);
            }
            return subscription;
        }

        public void Publish(long key, T item)
        {
            lock (_gate)
            {
                if (!_subscribers.TryGetValue(key, out var list)) return;
                for (var i = list.Count - 1; i >= 0; i--)
                {
                    if (list[i].Offer(item)) continue;
                    list[i].Drop();
                    list.RemoveAt(i);
                }
                if (list.Count == 0) _subscribers.Remove(key);
            }
        }

        private void Remove(long key, Subscription<T> subscription)
        {
            lock (_gate)
            {
                if (_subscribers.TryGetValue(key, out var list) && list.Remove(subscription) && list.Count == 0) _subscribers.Remove(key);
            }
        }
    }
}

/// <summary>
/// Items pushed to one stream. <see cref="Items"/> completes when the stream fell too far behind: what it missed is in
/// the database. Dispose to unsubscribe.
/// </summary>
public sealed class Subscription<T> : IDisposable
{
    private readonly Channel<T> _channel;
    private readonly Action<Subscription<T>> _unsubscribe;

    internal Subscription(Channel<T> channel, Action<Subscription<T>> unsubscribe) => (_channel, _unsubscribe) = (channel, unsubscribe);

    public ChannelReader<T> Items => _channel.Reader;

    internal bool Offer(T item) => _channel.Writer.TryWrite(item);

    internal void Drop() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _unsubscribe(this);
        Drop();
    }
}

/// <summary>What one transaction wrote that streams follow; handed to the <see cref="EventFeed"/> once it commits.</summary>
internal sealed class CommittedItems
{
    public List<(MessageEvent Event, long? BatchId)> Events { get; } = [];
    public List<ErrorEntry> Errors { get; } = [];

    public void Clear()
    {
        Events.Clear();
        Errors.Clear();
    }
}
