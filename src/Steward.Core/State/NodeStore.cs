using System.Text.Json;
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
    private readonly WriteQueue _writes;
    private readonly Func<StewardDb> _open;
    private readonly TimeProvider _time;

    public NodeStore(string dataFolder, string synchronous, TimeProvider time, ILogger logger)
    {
        Directory.CreateDirectory(dataFolder);
        var options = SqliteFile.Options(Path.Combine(dataFolder, "steward.db"), synchronous);
        SqliteFile.Create(options);
        _open = () => new StewardDb(options);
        _writes = new WriteQueue(_open, logger);
        _time = time;
        Queries = new NodeQueries(_open);
    }

    public EventSignals Signals { get; } = new();

    public NodeQueries Queries { get; }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Gives each message its id and stores it as queued; when <paramref name="finishing"/> is given, marks that received
    /// message done in the same transaction, so a crash can never both lose its reply and run it again.
    /// </summary>
    public async Task<IReadOnlyList<Message>> AddOutboundAsync(IReadOnlyList<Message> messages, Message? finishing = null)
    {
        var stored = await _writes.EnqueueAsync(db =>
        {
            if (finishing is not null) Finish(db, finishing);
            var sequence = db.Sequences.Find(IdSequence.Messages) ?? db.Sequences.Add(new() { Name = IdSequence.Messages }).Entity;
            return messages.Select(m =>
            {
                var message = m with { Id = ++sequence.Last };
                db.Outbound.Add(new OutboundMessage
                {
                    Id = message.Id, ToNode = message.ToNode!, Method = message.Method!, CreatedAt = Now, UpdatedAt = Now,
                    Json = JsonSerializer.Serialize(message, StewardJson.Default.Message),
                });
                db.Events.Add(StateEvent(message.Id, message.ToNode!, MessageStates.Queued, attempt: null, error: null));
                return message;
            }).ToList();
        }).ConfigureAwait(false);
        foreach (var message in stored) Signals.Notify(message.Id);
        return stored;
    }

    /// <summary>Moves an outbound message to <paramref name="state"/>; false when it had already moved past it or ended.</summary>
    public async Task<bool> SetStateAsync(long id, string state, int? attempt = null, string? error = null)
    {
        var moved = await _writes.EnqueueAsync(db =>
        {
            var row = db.Outbound.Find(id);
            if (row is null || !MessageStates.CanMove(row.State, state)) return false;
            row.State = state;
            row.Attempts = attempt ?? row.Attempts;
            row.LastError = error ?? row.LastError;
            row.UpdatedAt = Now;
            db.Events.Add(StateEvent(id, row.ToNode, state, attempt, error));
            return true;
        }).ConfigureAwait(false);
        Signals.Notify(id);
        return moved;
    }

    /// <summary>Records what came back for outbound message <paramref name="id"/>: reply output or a reported error.</summary>
    public async Task AddEventAsync(long id, string kind, string node, string? output, int? exitCode = null)
    {
        await _writes.EnqueueAsync(db =>
        {
            if (db.Outbound.Find(id) is null) return;
            db.Events.Add(new MessageEvent
            {
                MessageId = id, Kind = kind, Node = node, At = Now, ExitCode = exitCode,
                Output = kind == EventKinds.Error ? null : output, Error = kind == EventKinds.Error ? output : null,
            });
        }).ConfigureAwait(false);
        Signals.Notify(id);
    }

    /// <summary>Stores a received message; false when <c>(fromNode, id)</c> was seen before, so it must not run again.</summary>
    public Task<bool> AddInboundAsync(Message message) => _writes.EnqueueAsync(db =>
    {
        if (db.Inbound.Find(message.FromNode, message.Id) is not null) return false;
        db.Inbound.Add(new InboundMessage
        {
            FromNode = message.FromNode!, Id = message.Id, Method = message.Method!, ReceivedAt = Now,
            Json = JsonSerializer.Serialize(message, StewardJson.Default.Message),
        });
        return true;
    });

    public Task FinishInboundAsync(Message message) => _writes.EnqueueAsync(db => Finish(db, message));

    public Task<ErrorEntry> AddErrorAsync(ErrorEntry entry) => _writes.EnqueueAsync(db => db.Errors.Add(entry).Entity);

    /// <summary>Forgets finished received messages older than <paramref name="age"/>: the bound on the duplicate memory.</summary>
    public async Task<int> ForgetInboundOlderThanAsync(TimeSpan age, CancellationToken ct)
    {
        var before = Now - age;
        await using var db = _open();
        return await db.Inbound.Where(m => m.State == InboundStates.Done && m.FinishedAt < before).ExecuteDeleteAsync(ct).ConfigureAwait(false);
    }

    private void Finish(StewardDb db, Message message)
    {
        if (db.Inbound.Find(message.FromNode, message.Id) is not { } row) return;
        row.State = InboundStates.Done;
        row.FinishedAt = Now;
    }

    private MessageEvent StateEvent(long id, string node, string state, int? attempt, string? error) =>
        new() { MessageId = id, Kind = EventKinds.State, Node = node, State = state, Attempt = attempt, Error = error, At = Now };

    public ValueTask DisposeAsync() => _writes.DisposeAsync();
}
