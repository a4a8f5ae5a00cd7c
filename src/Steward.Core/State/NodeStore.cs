using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;

namespace Steward.Core.State;

/// <summary>
/// A node's durable state. Every write goes through the group-commit queue and returns once committed; reads are in
/// <see cref="Queries"/>.
/// </summary>
public sealed class NodeStore : IAsyncDisposable
{
    private readonly SqliteConnection _writer;
    private readonly WriteQueue _writes;
    private readonly Func<StewardDb> _open;
    private readonly TimeProvider _time;

    public NodeStore(string dataFolder, string synchronous, TimeProvider time, ILogger logger)
    {
        OwnerOnly.PrepareDataFolder(dataFolder);
        var path = Path.Combine(dataFolder, "steward.db");
        OwnerOnly.CreateFile(path);   // 0600 before SQLite opens it; SQLite gives -wal and -shm the same mode
        var readers = SqliteFile.ReaderOptions(path);
        SqliteFile.Create(readers, path);
        _open = () => new StewardDb(readers);
        _writer = SqliteFile.OpenWriter(path, synchronous);
        _writes = new WriteQueue(_writer, time, logger);
        _time = time;
        Queries = new NodeQueries(_open);
    }

    public EventSignals Signals { get; } = new();

    public NodeQueries Queries { get; }

    /// <summary>Raised after a state change of an outbound message is committed (message id, new state).</summary>
    public event Action<long, string>? StateChanged;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Gives each message its id and stores it as queued; when <paramref name="finishing"/> is given, marks that received
    /// message done in the same transaction, so a crash can never both lose its reply and run it again.
    /// </summary>
    /// <para>With <paramref name="asBatch"/>, the messages form one fan-out whose id is the first message's.</para>
    /// <para>With <paramref name="input"/> (a local input such as an inbox file), nothing is stored when that input was
    /// taken before: a node that crashed after storing its messages but before removing the file sends them only once.</para>
    public async Task<IReadOnlyList<Message>> AddOutboundAsync(
        IReadOnlyList<Message> messages, Message? finishing = null, bool asBatch = false, LocalInput? input = null)
    {
        var stored = await _writes.EnqueueAsync(hot =>
        {
            var now = Now;
            long? batchId = null;
            if (input is not null)
            {
                if (!hot.InsertInbound(LocalInput.Source, input.Key, input.Kind, input.Name, now)) return [];
                hot.FinishInbound(LocalInput.Source, input.Key, now);
            }
            if (finishing is not null) hot.FinishInbound(finishing.FromNode!, finishing.Id, now);
            return messages.Select(m =>
            {
                var message = m with { Id = hot.NextId() };
                if (asBatch) batchId ??= message.Id;
                hot.InsertOutbound(message.Id, message.ToNode!, message.Method!, JsonSerializer.Serialize(message, StewardJson.Default.Message), MessageStates.Queued, batchId, now);
                hot.InsertEvent(StateEvent(message.Id, message.ToNode!, MessageStates.Queued, attempt: null, error: null, now));
                return message;
            }).ToList();
        }).ConfigureAwait(false);
        foreach (var message in stored) Signals.Notify(message.Id);
        return stored;
    }

    /// <summary>Moves an outbound message to <paramref name="state"/>; false when it had already moved past it or ended.</summary>
    public async Task<bool> SetStateAsync(long id, string state, int? attempt = null, string? error = null)
    {
        var (moved, batchId) = await _writes.EnqueueAsync(hot =>
        {
            if (hot.FindOutbound(id) is not { } row || !MessageStates.CanMove(row.State, state)) return (false, null);
            var now = Now;
            hot.UpdateOutbound(id, state, attempt, error, now);
            hot.InsertEvent(StateEvent(id, row.ToNode, state, attempt, error, now));
            return (true, row.BatchId);
        }).ConfigureAwait(false);
        Notify(id, batchId);
        if (moved) StateChanged?.Invoke(id, state);
        return moved;
    }

    /// <summary>Records what came back for outbound message <paramref name="id"/>: reply output or a reported error.</summary>
    public async Task AddEventAsync(long id, string kind, string node, string? output, int? exitCode = null)
    {
        var batchId = await _writes.EnqueueAsync(hot =>
        {
            if (hot.FindOutbound(id) is not { } row) return null;
            hot.InsertEvent(new MessageEvent
            {
                MessageId = id, Kind = kind, Node = node, At = Now, ExitCode = exitCode,
                Output = kind == EventKinds.Error ? null : output, Error = kind == EventKinds.Error ? output : null,
            });
            return row.BatchId;
        }).ConfigureAwait(false);
        Notify(id, batchId);
    }

    /// <summary>Stores a received message; false when <c>(fromNode, id)</c> was seen before, so it must not run again.</summary>
    public Task<bool> AddInboundAsync(Message message) => _writes.EnqueueAsync(hot =>
        hot.InsertInbound(message.FromNode!, message.Id, message.Method!, JsonSerializer.Serialize(message, StewardJson.Default.Message), Now));

    /// <summary>
    /// Stores a received message and, in the same commit, a mark of what it must be the only one of: the origin
    /// <c>(fromNode, id)</c> of a relayed message, or <c>(sender + request, replySeq)</c> of a reply. The same thing again
    /// under a new id (a relay forwarding twice, a reply position sent twice) is caught as a replay.
    /// </summary>
    public Task<Arrival> AddMarkedAsync(Message message, string markNode, long markId) => _writes.EnqueueAsync(hot =>
    {
        var now = Now;
        if (hot.InsertInbound(markNode, markId, MarkMethod, "{}", now))
        {
            hot.FinishInbound(markNode, markId, now);   // a mark, never run; forgotten with the duplicate memory
            return hot.InsertInbound(message.FromNode!, message.Id, message.Method!, JsonSerializer.Serialize(message, StewardJson.Default.Message), now)
                ? Arrival.New : Arrival.Duplicate;
        }
        return hot.HasInbound(message.FromNode!, message.Id) ? Arrival.Duplicate : Arrival.Replayed;
    });

    private const string MarkMethod = "(mark)";

    public Task FinishInboundAsync(Message message) => _writes.EnqueueAsync(hot => hot.FinishInbound(message.FromNode!, message.Id, Now));

    public Task SawNodeAsync(NodeEntry node) => _writes.EnqueueAsync(hot => hot.SawNode(node));

    public async Task<ErrorEntry> AddErrorAsync(ErrorEntry entry)
    {
        entry.Seq = await _writes.EnqueueAsync(hot => hot.InsertError(entry)).ConfigureAwait(false);
        Signals.Notify(EventSignals.ErrorLog);
        return entry;
    }

    /// <summary>Completes once every write asked for before it is committed: readers then see them.</summary>
    public Task WritesSoFarCommittedAsync() => _writes.EnqueueAsync(_ => { });

    /// <summary>Wakes readers of the message's events, and of its batch's.</summary>
    private void Notify(long id, long? batchId)
    {
        Signals.Notify(id);
        if (batchId is { } batch && batch != id) Signals.Notify(batch);
    }

    /// <summary>Forgets finished received messages older than <paramref name="age"/>: the bound on the duplicate memory.</summary>
    public Task<int> ForgetInboundOlderThanAsync(TimeSpan age) => _writes.EnqueueAsync(hot => hot.ForgetInbound(Now - age));

    private static MessageEvent StateEvent(long id, string node, string state, int? attempt, string? error, DateTime now) =>
        new() { MessageId = id, Kind = EventKinds.State, Node = node, State = state, Attempt = attempt, Error = error, At = now };

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }
}
