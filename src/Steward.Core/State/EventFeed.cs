using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Steward.Core.State;

/// <summary>
/// Hands committed events to the streams that follow them: a message's, a batch's, the error log's. The writer publishes
/// after each commit, in commit order, so each subscriber sees its items in <c>Seq</c> order. A subscriber that falls
/// <see cref="BytesPerSubscriber"/> behind is dropped (its items end) and reads on from the database: the writer never
/// waits for a reader, and a reader that stops never holds more than that.
/// </summary>
/// <remarks>
/// Hand-written because no platform type fans out to keyed subscribers that are dropped when full. The bound is in
/// bytes rather than items: one reply piece may be 64 KiB, one error line a hundred bytes.
/// </remarks>
public sealed class EventFeed
{
    /// <summary>How much a subscriber may have waiting; a few thousand ordinary events, so a group commit fits.</summary>
    public const long BytesPerSubscriber = 4 * 1024 * 1024;

    private const long ErrorLogKey = 0;
    private readonly Topic<MessageEvent> _messages = new(SizeOf);
    private readonly Topic<MessageEvent> _batches = new(SizeOf);
    private readonly Topic<ErrorEntry> _errors = new(SizeOf);

    /// <summary>The events of one message committed from now on.</summary>
    public Subscription<MessageEvent> SubscribeMessage(long id) => _messages.Subscribe(id);

    /// <summary>The events of every message of one batch committed from now on.</summary>
    public Subscription<MessageEvent> SubscribeBatch(long batchId) => _batches.Subscribe(batchId);

    /// <summary>The error log's entries committed from now on.</summary>
    public Subscription<ErrorEntry> SubscribeErrors() => _errors.Subscribe(ErrorLogKey);

    /// <summary>How many streams are subscribed.</summary>
    internal int Subscribers => _messages.Count + _batches.Count + _errors.Count;

    internal void Publish(CommittedItems committed)
    {
        foreach (var (e, batchId) in committed.Events)
        {
            _messages.Publish(e.MessageId, e);
            if (batchId is { } batch) _batches.Publish(batch, e);
        }
        foreach (var entry in committed.Errors) _errors.Publish(ErrorLogKey, entry);
    }

    /// <summary>Roughly what an item keeps alive: its text (UTF-16) and a fixed allowance for the object and its queue slot.</summary>
    internal static long SizeOf(MessageEvent e) => Overhead + 2L * (e.Node.Length + (e.Output?.Length ?? 0) + (e.Error?.Length ?? 0));

    internal static long SizeOf(ErrorEntry e) => Overhead + 2L * (e.Node.Length + e.Line.Length + (e.MessageFromNode?.Length ?? 0));

    private const long Overhead = 160;

    private sealed class Topic<T>(Func<T, long> sizeOf)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<long, List<Subscription<T>>> _subscribers = [];

        public int Count
        {
            get
            {
                lock (_gate) return _subscribers.Values.Sum(list => list.Count);
            }
        }

        public Subscription<T> Subscribe(long key)
        {
            var subscription = new Subscription<T>(sizeOf, s => Remove(key, s));
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
/// Items pushed to one stream. <see cref="ReadAllAsync"/> ends when the stream fell too far behind: what it missed is in
/// the database. Dispose to unsubscribe.
/// </summary>
public sealed class Subscription<T> : IDisposable
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>(new() { SingleReader = true });
    private readonly Func<T, long> _sizeOf;
    private readonly Action<Subscription<T>> _unsubscribe;
    private long _waiting;

    internal Subscription(Func<T, long> sizeOf, Action<Subscription<T>> unsubscribe) => (_sizeOf, _unsubscribe) = (sizeOf, unsubscribe);

    /// <summary>The pushed items in commit order; ends when the feed dropped this subscriber for falling behind.</summary>
    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in _channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            Interlocked.Add(ref _waiting, -_sizeOf(item));
            yield return item;
        }
    }

    /// <summary>Bytes pushed and not yet read.</summary>
    internal long Waiting => Interlocked.Read(ref _waiting);

    /// <summary>False when taking <paramref name="item"/> would put this subscriber over its budget.</summary>
    internal bool Offer(T item)
    {
        var size = _sizeOf(item);
        if (Waiting + size > EventFeed.BytesPerSubscriber) return false;
        Interlocked.Add(ref _waiting, size);
        return _channel.Writer.TryWrite(item);
    }

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

    /// <summary>The outbound messages stored and the state moves made, for the node's metrics.</summary>
    public List<StateMove> Moves { get; } = [];

    public void Clear()
    {
        Events.Clear();
        Errors.Clear();
        Moves.Clear();
    }
}

/// <summary>
/// An outbound message stored (<see cref="From"/> null) or moved from one state to another (or to the same one again, as
/// a retry does), with when it was stored and when it moved.
/// </summary>
internal readonly record struct StateMove(string Method, string? From, string To, DateTime CreatedAt, DateTime At);
