using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Steward.Core.Fleet;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Outbound;
using Steward.Core.Telemetry;

namespace Steward.Core.State;

/// <summary>
/// A node's durable state. Every write goes through the group-commit queue and returns once committed; the node's own
/// reads are in <see cref="Reads"/>, the operator's in <see cref="Queries"/>.
/// </summary>
internal sealed class NodeStore : IAsyncDisposable
{
    private readonly SqliteConnection _writer;
    private readonly HotReads _hotReads;
    private readonly WriteQueue _writes;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private NodeQueries? _queries;

    /// <param name="metrics">Told of each commit: its time, and the messages it stored and moved.</param>
    public NodeStore(string dataFolder, string synchronous, TimeProvider time, ILogger logger, StewardMetrics? metrics = null)
    {
        OwnerOnly.PrepareDataFolder(dataFolder);
        var path = Path.Combine(dataFolder, "steward.db");
        OwnerOnly.CreateFile(path);   // 0600 before SQLite opens it; SQLite gives -wal and -shm the same mode
        SqliteFile.Create(path);
        _connectionString = SqliteFile.ConnectionString(path);
        _writer = SqliteFile.OpenWriter(path, synchronous);
        _writes = new WriteQueue(_writer, time, Feed, metrics, logger);
        _time = time;
        _hotReads = SqliteFile.OpenHotReads(path);
        Reads = new NodeReads(_connectionString, _hotReads);
        Copies = new CopyStore(_writes, Reads, time);
    }

    /// <summary>The records of the copies this node sends and receives.</summary>
    public CopyStore Copies { get; }

    /// <summary>Committed message events and error entries, pushed to the streams that follow them.</summary>
    public EventFeed Feed { get; } = new();

    /// <summary>What the node runtime reads: plain SQLite commands.</summary>
    public NodeReads Reads { get; }

    /// <summary>The operator's queries, through EF Core; made on first use, so a node that serves no operator never builds EF Core's model.</summary>
    public NodeQueries Queries
    {
        [RequiresUnreferencedCode(NodeQueries.NeedsEfCore), RequiresDynamicCode(NodeQueries.NeedsEfCore)]
        get => LazyInitializer.EnsureInitialized(ref _queries, () => NodeQueries.Open(_connectionString, Reads));
    }

    /// <summary>Raised after a state change of an outbound message is committed (message id, new state).</summary>
    public event Action<long, string>? StateChanged;

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Gives each message of <paramref name="batch"/> its id and stores it as queued, in one commit with what the batch
    /// completes: the received message it finishes (so a crash can never both lose its reply and run it again), the reply
    /// it records against the message that reply answers, or the local input it takes (nothing is stored when that input
    /// was taken before).
    /// </summary>
    public async Task<IReadOnlyList<Message>> AddOutboundAsync(OutboundBatch batch, CancellationToken ct) =>
        (await AddAsync(batch, fanOut: null, ct).ConfigureAwait(false)).Messages;

    /// <summary>
    /// Stores the messages of a fan-out as one batch, with the batch's record of what it resolved; for a rollout, stored
    /// waiting and, in the same commit, its first step taken (<see cref="FleetWrites.AdvanceRollout"/>).
    /// </summary>
    public Task<(IReadOnlyList<Message> Messages, RolloutAdvance? Rollout)> AddFanOutAsync(OutboundBatch batch, FanOut fanOut, CancellationToken ct) =>
        AddAsync(batch with { AsBatch = true }, fanOut, ct);

    private async Task<(IReadOnlyList<Message> Messages, RolloutAdvance? Rollout)> AddAsync(OutboundBatch batch, FanOut? fanOut, CancellationToken ct)
    {
        var (stored, reply, rollout) = await _writes.EnqueueAsync(hot =>
        {
            var now = Now;
            if (batch.Input is { } input)
            {
                if (!hot.InsertInbound(LocalInput.Source, input.Key, input.Kind, input.Name, now)) return ([], null, null);
                hot.FinishInbound(LocalInput.Source, input.Key, now);
            }
            if (batch.Finishing is { } finishing) hot.FinishInbound(finishing.FromNode!, finishing.Id, now);
            var recorded = batch.Reply is { } reply ? RecordReply(hot, reply, now) : null;
            long? batchId = null;
            var state = fanOut?.Rollout is null ? MessageStates.Queued : MessageStates.Waiting;
            var messages = batch.Messages.Select(m =>
            {
                var message = m with { Id = hot.NextId() };
                if (batch.AsBatch) batchId ??= message.Id;
                hot.InsertOutbound(message.Id, message.ToNode!, message.Method!, JsonSerializer.Serialize(message, StewardJson.Default.Message), state, batchId, now);
                hot.InsertEvent(StateEvent(message.Id, message.ToNode!, state, attempt: null, error: null, now), batchId);
                return message;
            }).ToList();
            if (batch.CopyChunk is var (copyId, chunk)) CopyStore.AddChunkOut(hot, copyId, chunk, messages.Single().Id);
            RolloutAdvance? advance = null;
            if (fanOut is not null && batchId is { } id)
            {
                hot.Fleet.InsertBatch(id, fanOut, now);
                advance = hot.Fleet.AdvanceRollout(id, now);
            }
            return ((IReadOnlyList<Message>)messages, recorded, advance);
        }, ct).ConfigureAwait(false);
        if (reply is var (answered, moved) && moved is not null) StateChanged?.Invoke(answered, moved);
        return (stored, rollout);
    }

    /// <summary>One step of rollout <paramref name="batchId"/>, in a commit of its own; null when it is no rollout.</summary>
    public Task<RolloutAdvance?> AdvanceRolloutAsync(long batchId, CancellationToken ct = default) =>
        _writes.EnqueueAsync(hot => hot.Fleet.AdvanceRollout(batchId, Now), ct);

    /// <summary>Sets the labels an operator gave node <paramref name="name"/> on central; an empty set removes them.</summary>
    public Task SetNodeLabelsAsync(string name, IReadOnlyDictionary<string, string> labels, string? setBy) => _writes.EnqueueAsync(hot =>
        hot.Fleet.SetNodeLabels(name, labels.Count == 0 ? null : JsonSerializer.Serialize(labels.ToDictionary(StringComparer.Ordinal), StewardJson.Default.DictionaryStringString),
            setBy, Now));

    /// <summary>
    /// The reply as an event of the message it answers, and that message's move to replied, then to done with the last
    /// reply: the operator sees every state, all from one commit.
    /// </summary>
    private static (long Id, string? State)? RecordReply(HotWrites hot, RecordedReply reply, DateTime now)
    {
        if (hot.FindOutbound(reply.AnsweredId) is not { } row) return null;
        if (reply.ExitCode is { } exitCode) hot.SetExitCode(reply.AnsweredId, exitCode);
        hot.InsertEvent(new MessageEvent
        {
            MessageId = reply.AnsweredId, Kind = EventKinds.Reply, Node = reply.FromNode, At = now, ExitCode = reply.ExitCode, Output = reply.Output,
        }, row.BatchId);
        string? moved = null;
        foreach (var state in reply.Last ? [MessageStates.Replied, MessageStates.Done] : new[] { MessageStates.Replied })
        {
            if (!MessageStates.CanMove(row.State, state)) continue;
            MoveState(hot, reply.AnsweredId, row, state, attempt: null, error: null, now);
            row = row with { State = state };
            moved = state;
        }
        return (reply.AnsweredId, moved);
    }

    /// <summary>
    /// Moves an outbound message to <paramref name="state"/>; false when it had already moved past it or ended. With
    /// <paramref name="sentFirst"/>, it first moves to <c>sent</c> (attempt 1) in the same commit.
    /// </summary>
    public async Task<bool> SetStateAsync(
        long id, string state, int? attempt = null, string? error = null, bool sentFirst = false, CancellationToken ct = default)
    {
        var moved = await _writes.EnqueueAsync(hot =>
        {
            if (hot.FindOutbound(id) is not { } row || !MessageStates.CanMove(row.State, state)) return false;
            var now = Now;
            if (sentFirst && MessageStates.CanMove(row.State, MessageStates.Sent))
            {
                MoveState(hot, id, row, MessageStates.Sent, 1, null, now);
                row = row with { State = MessageStates.Sent };
            }
            MoveState(hot, id, row, state, attempt, error, now);
            return true;
        }, ct).ConfigureAwait(false);
        if (moved) StateChanged?.Invoke(id, state);
        return moved;
    }

    /// <summary>
    /// Updates the row, and adds a state event only when the state changes: a message retrying for days costs its row
    /// and one event, not one event per attempt.
    /// </summary>
    private static void MoveState(HotWrites hot, long id, (string State, string ToNode, long? BatchId) row, string state, int? attempt, string? error, DateTime now)
    {
        hot.UpdateOutbound(id, row.State, state, attempt, error, now);
        if (row.State != state) hot.InsertEvent(StateEvent(id, row.ToNode, state, attempt, error, now), row.BatchId);
    }

    /// <summary>Records what came back for outbound message <paramref name="id"/>: reply output or a reported error.</summary>
    public Task AddEventAsync(long id, string kind, string node, string? output, int? exitCode = null, CancellationToken ct = default) =>
        _writes.EnqueueAsync(hot =>
        {
            if (hot.FindOutbound(id) is not { } row) return;
            hot.InsertEvent(new MessageEvent
            {
                MessageId = id, Kind = kind, Node = node, At = Now, ExitCode = exitCode,
                Output = kind == EventKinds.Error ? null : output, Error = kind == EventKinds.Error ? output : null,
            }, row.BatchId);
        }, ct);

    /// <summary>
    /// Records, in one commit, an error <paramref name="reporter"/> reported about outbound message <paramref name="id"/>
    /// and, with <paramref name="failsIt"/>, the message's move to <c>failed</c>. What a report claims is checked, not
    /// believed: only the node the message went to (or <paramref name="self"/>) reports on it, and only the former fails it.
    /// </summary>
    public async Task RecordReportedErrorAsync(long id, string reporter, string self, string line, bool failsIt, CancellationToken ct)
    {
        var failed = await _writes.EnqueueAsync(hot =>
        {
            if (hot.FindOutbound(id) is not { } row || (row.ToNode != reporter && reporter != self)) return false;
            var now = Now;
            hot.InsertEvent(new MessageEvent { MessageId = id, Kind = EventKinds.Error, Node = reporter, Error = line, At = now }, row.BatchId);
            if (!failsIt || row.ToNode != reporter || !MessageStates.CanMove(row.State, MessageStates.Failed)) return false;
            MoveState(hot, id, row, MessageStates.Failed, null, line, now);
            return true;
        }, ct).ConfigureAwait(false);
        if (failed) StateChanged?.Invoke(id, MessageStates.Failed);
    }

    /// <summary>Stores a received message; false when <c>(fromNode, id)</c> was seen before, so it must not run again.</summary>
    public Task<bool> AddInboundAsync(Message message, CancellationToken ct = default) => _writes.EnqueueAsync(hot =>
        hot.InsertInbound(message.FromNode!, message.Id, message.Method!, JsonSerializer.Serialize(message, StewardJson.Default.Message), Now), ct);

    /// <summary>
    /// Stores a received message and, in the same commit, a mark of what it must be the only one of: the origin
    /// <c>(fromNode, id)</c> of a relayed message, or <c>(sender + request, replySeq)</c> of a reply. The same thing again
    /// under a new id (a relay forwarding twice, a reply position sent twice) is caught as a replay.
    /// </summary>
    public Task<Arrival> AddMarkedAsync(Message message, string markNode, long markId, CancellationToken ct = default) => _writes.EnqueueAsync(hot =>
    {
        var now = Now;
        if (hot.InsertInbound(markNode, markId, MarkMethod, "{}", now))
        {
            hot.FinishInbound(markNode, markId, now);   // a mark, never run; forgotten with the duplicate memory
            return hot.InsertInbound(message.FromNode!, message.Id, message.Method!, JsonSerializer.Serialize(message, StewardJson.Default.Message), now)
                ? Arrival.New : Arrival.Duplicate;
        }
        return hot.HasInbound(message.FromNode!, message.Id) ? Arrival.Duplicate : Arrival.Replayed;
    }, ct);

    private const string MarkMethod = "(mark)";

    public Task FinishInboundAsync(Message message, CancellationToken ct = default) =>
        _writes.EnqueueAsync(hot => hot.FinishInbound(message.FromNode!, message.Id, Now), ct);

    /// <summary>
    /// Remembers the process group of the command <paramref name="message"/> runs, so that after a crash the node stops
    /// what is left of it before the message runs again.
    /// </summary>
    public Task RecordProcessGroupAsync(Message message, ProcessGroup group) =>
        _writes.EnqueueAsync(hot => hot.RecordProcessGroup(message.FromNode!, message.Id, group));

    /// <summary>
    /// Records, before the append is made, that <paramref name="message"/>'s data goes to its file at
    /// <paramref name="offset"/>; gives the start an earlier run of the same message recorded (one a crash cut short), else
    /// <paramref name="offset"/>.
    /// </summary>
    public Task<long> StartAppendAsync(Message message, long offset, CancellationToken ct) =>
        _writes.EnqueueAsync(hot => hot.StartAppend(message.FromNode!, message.Id, offset) ?? offset, ct);

    public Task SawNodeAsync(NodeEntry node) => _writes.EnqueueAsync(hot => hot.SawNode(node));

    /// <summary>Stores an entry of the error log; it comes back with its <c>Seq</c>.</summary>
    public async Task<ErrorEntry> AddErrorAsync(ErrorEntry entry)
    {
        await _writes.EnqueueAsync(hot => hot.InsertError(entry)).ConfigureAwait(false);
        return entry;
    }

    /// <summary>Completes once every write asked for before it is committed: readers then see them.</summary>
    public Task WritesSoFarCommittedAsync() => _writes.EnqueueAsync(_ => { });

    /// <summary>Forgets finished received messages older than <paramref name="age"/>: the bound on the duplicate memory.</summary>
    public Task<int> ForgetInboundOlderThanAsync(TimeSpan age, CancellationToken ct = default) => _writes.EnqueueAsync(hot =>
    {
        var forgotten = hot.ForgetInbound(Now - age);
        CopyStore.Forget(hot, Now - age);   // what a copy remembers goes with the messages it came in
        return forgotten;
    }, ct);

    /// <summary>
    /// Deletes what ended more than <paramref name="age"/> ago: finished outbound messages with their events, error log
    /// entries, and the records of fan-outs whose messages all went. Unfinished messages stay however old. Gives how many
    /// messages and errors went.
    /// </summary>
    public async Task<(int Messages, int Errors)> PruneOlderThanAsync(TimeSpan age, CancellationToken ct = default)
    {
        const int slice = 1000;
        int messages = 0, errors = 0, last;
        do messages += last = await _writes.EnqueueAsync(hot => hot.PruneFinished(Now - age, slice), ct).ConfigureAwait(false);
        while (last == slice);
        do errors += last = await _writes.EnqueueAsync(hot => hot.PruneErrors(Now - age, slice), ct).ConfigureAwait(false);
        while (last == slice);
        do last = await _writes.EnqueueAsync(hot => hot.Fleet.PruneBatches(Now - age, slice), ct).ConfigureAwait(false);
        while (last == slice);
        return (messages, errors);
    }

    private static MessageEvent StateEvent(long id, string node, string state, int? attempt, string? error, DateTime now) =>
        new() { MessageId = id, Kind = EventKinds.State, Node = node, State = state, Attempt = attempt, Error = error, At = now };

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        _hotReads.Dispose();
    }
}
