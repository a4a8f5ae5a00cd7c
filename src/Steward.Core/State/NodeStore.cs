using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;

namespace Steward.Core.State;

/// <summary>A node's durable state. Every write goes through the group-commit queue; reads open their own context.</summary>
public sealed class NodeStore : IAsyncDisposable
{
    private readonly DbContextOptions<StewardDb> _options;
    private readonly WriteQueue _writes;
    private readonly TimeProvider _time;

    public NodeStore(string dataFolder, string synchronous, TimeProvider time, ILogger logger)
    {
        Directory.CreateDirectory(dataFolder);
        _options = SqliteFile.Options(Path.Combine(dataFolder, "steward.db"), synchronous);
        SqliteFile.Create(_options);
        _writes = new WriteQueue(Open, logger);
        _time = time;
    }

    public EventSignals Signals { get; } = new();

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    internal StewardDb Open() => new(_options);

    /// <summary>Gives each message its id and stores it as queued; returns once committed.</summary>
    public async Task<IReadOnlyList<Message>> AddOutboundAsync(IReadOnlyList<Message> messages)
    {
        var stored = await _writes.EnqueueAsync(db =>
        {
            var sequence = db.Sequences.Find(IdSequence.Messages) ?? db.Sequences.Add(new() { Name = IdSequence.Messages }).Entity;
            return messages.Select(m =>
            {
                var message = m with { Id = ++sequence.Last };
                db.Outbound.Add(new OutboundMessage
                {
                    Id = message.Id, ToNode = message.ToNode!, Method = message.Method!, CreatedAt = Now, UpdatedAt = Now,
                    Json = JsonSerializer.Serialize(message, StewardJson.Default.Message),
                });
                db.Events.Add(StateEvent(message.Id, message.ToNode!, MessageStates.Queued, null));
                return message;
            }).ToList();
        }).ConfigureAwait(false);
        foreach (var message in stored) Signals.Notify(message.Id);
        return stored;
    }

    /// <summary>Moves an outbound message to <paramref name="state"/>, unless it already ended.</summary>
    public async Task SetStateAsync(long id, string state, int? attempts = null, string? error = null)
    {
        await _writes.EnqueueAsync(db =>
        {
            var row = db.Outbound.Find(id);
            if (row is null || !MessageStates.CanMove(row.State, state)) return;
            row.State = state;
            row.Attempts = attempts ?? row.Attempts;
            row.LastError = error ?? row.LastError;
            row.UpdatedAt = Now;
            db.Events.Add(StateEvent(id, row.ToNode, state, error));
        }).ConfigureAwait(false);
        Signals.Notify(id);
    }

    /// <summary>Records the output of a reply to outbound message <paramref name="id"/>.</summary>
    public async Task AddReplyAsync(long id, Message reply)
    {
        await _writes.EnqueueAsync(db =>
        {
            var row = db.Outbound.Find(id);
            if (row is null) return;
            db.Events.Add(new MessageEvent
            {
                MessageId = id, Kind = EventKinds.Reply, Node = reply.FromNode ?? row.ToNode, At = Now,
                Output = reply.Data is null ? null : System.Text.Encoding.UTF8.GetString(reply.Data), ExitCode = reply.ExitCode,
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

    public Task FinishInboundAsync(Message message) => _writes.EnqueueAsync(db =>
    {
        if (db.Inbound.Find(message.FromNode, message.Id) is not { } row) return;
        row.State = InboundStates.Done;
        row.FinishedAt = Now;
    });

    public async Task<OutboundMessage?> FindOutboundAsync(long id, CancellationToken ct)
    {
        await using var db = Open();
        return await db.Outbound.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MessageEvent>> EventsAsync(long id, long afterSeq, CancellationToken ct)
    {
        await using var db = Open();
        return await db.Events.AsNoTracking().Where(e => e.MessageId == id && e.Seq > afterSeq)
            .OrderBy(e => e.Seq).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Whether the file takes a write lock now (the health check).</summary>
    public async Task<bool> IsWritableAsync(CancellationToken ct)
    {
        try
        {
            await using var db = Open();
            await db.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE; ROLLBACK;", ct).ConfigureAwait(false);
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false;
        }
    }

    private MessageEvent StateEvent(long id, string node, string state, string? error) =>
        new() { MessageId = id, Kind = EventKinds.State, Node = node, State = state, Error = error, At = Now };

    public ValueTask DisposeAsync() => _writes.DisposeAsync();
}
