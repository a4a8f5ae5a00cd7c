using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steward.Core.Handlers;
using Steward.Core.Messages;

namespace Steward.Core.State;

/// <summary>
/// Reads of a node's state. Each opens its own context (WAL lets readers run beside the writer), but for the two on the
/// path of every reply, which go through <see cref="HotReads"/>.
/// </summary>
internal sealed class NodeQueries : IOperatorQueries
{
    private readonly Func<StewardDb> _open;
    private readonly HotReads _hot;

    internal NodeQueries(Func<StewardDb> open, HotReads hot) => (_open, _hot) = (open, hot);

    // Compiled once: every message's event stream reads with it.
    private static readonly Func<StewardDb, long, long, int, IAsyncEnumerable<MessageEvent>> EventsAfter =
        EF.CompileAsyncQuery((StewardDb db, long id, long afterSeq, int limit) =>
            db.Events.AsNoTracking().Where(e => e.MessageId == id && e.Seq > afterSeq).OrderBy(e => e.Seq).Take(limit));

    /// <summary>One outbound message (on the path of every reply that arrives: <see cref="HotReads"/>).</summary>
    public Task<OutboundMessage?> FindOutboundAsync(long id, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(_hot.FindOutbound(id));
    }

    /// <summary>Whether <c>(fromNode, id)</c> was received and is still remembered.</summary>
    public Task<bool> HasInboundAsync(string fromNode, long id, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(_hot.HasInbound(fromNode, id));
    }

    /// <summary>The messages of one fan-out, by node.</summary>
    public async Task<IReadOnlyList<OutboundMessage>> BatchAsync(long batchId, CancellationToken ct)
    {
        await using var db = _open();
        return await db.Outbound.AsNoTracking().Where(m => m.BatchId == batchId).OrderBy(m => m.ToNode).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Ids and states only: a fan-out's rows with their messages are megabytes at thousands of nodes.</summary>
    public async Task<(int Total, IReadOnlyList<long> Open)> BatchOpenAsync(long batchId, CancellationToken ct)
    {
        await using var db = _open();
        var states = await db.Outbound.AsNoTracking().Where(m => m.BatchId == batchId).Select(m => new { m.Id, m.State }).ToListAsync(ct).ConfigureAwait(false);
        return (states.Count, states.Where(m => !MessageStates.IsFinal(m.State)).Select(m => m.Id).ToList());
    }

    /// <summary>What a fan-out was asked for and resolved to, and its rollout; null for an unknown one (or one sent before they were recorded).</summary>
    public async Task<BatchEntry?> BatchEntryAsync(long batchId, CancellationToken ct)
    {
        await using var db = _open();
        return await db.Batches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == batchId, ct).ConfigureAwait(false);
    }

    /// <summary>The rollouts not at their end, each with its released messages that are not final yet.</summary>
    internal async Task<IReadOnlyList<(long Rollout, IReadOnlyList<long> InFlight)>> RolloutsToFollowAsync(CancellationToken ct)
    {
        await using var db = _open();
        var rollouts = await db.Batches.AsNoTracking()
            .Where(b => b.RolloutState == RolloutStates.Running || b.RolloutState == RolloutStates.Stopped)
            .Select(b => new { b.Id, b.RolloutState }).ToListAsync(ct).ConfigureAwait(false);
        var result = new List<(long, IReadOnlyList<long>)>();
        foreach (var rollout in rollouts)
        {
            var inFlight = await db.Outbound.AsNoTracking()
                .Where(m => m.BatchId == rollout.Id && m.Wave != null && !MessageStates.FinalStates.Contains(m.State))
                .Select(m => m.Id).ToListAsync(ct).ConfigureAwait(false);
            if (rollout.RolloutState == RolloutStates.Running || inFlight.Count > 0) result.Add((rollout.Id, inFlight));
        }
        return result;
    }

    public async Task<IReadOnlyList<MessageEvent>> BatchEventsAsync(long batchId, long afterSeq, CancellationToken ct, int limit = int.MaxValue)
    {
        await using var db = _open();
        return await db.Events.AsNoTracking()
            .Where(e => e.Seq > afterSeq && db.Outbound.Any(m => m.BatchId == batchId && m.Id == e.MessageId))
            .OrderBy(e => e.Seq).Take(limit).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Outbound messages, newest first, filtered; <paramref name="before"/> is the paging cursor (an id).</summary>
    public async Task<IReadOnlyList<OutboundMessage>> ListOutboundAsync(
        string? node, string? state, string? method, long? before, int limit, CancellationToken ct)
    {
        await using var db = _open();
        var query = db.Outbound.AsNoTracking();
        if (node is not null) query = query.Where(m => m.ToNode == node);
        if (state is not null) query = query.Where(m => m.State == state);
        if (method is not null) query = query.Where(m => m.Method == method);
        if (before is not null) query = query.Where(m => m.Id < before);
        return await query.OrderByDescending(m => m.Id).Take(limit).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The ids of unfinished outbound messages that match, oldest first.</summary>
    public async Task<IReadOnlyList<long>> UnfinishedOutboundAsync(
        string? toNode, string? state, DateTime? createdBefore, IReadOnlyCollection<long>? ids, CancellationToken ct)
    {
        await using var db = _open();
        var query = db.Outbound.AsNoTracking().Where(m => !MessageStates.FinalStates.Contains(m.State));
        if (toNode is not null) query = query.Where(m => m.ToNode == toNode);
        if (state is not null) query = query.Where(m => m.State == state);
        if (createdBefore is not null) query = query.Where(m => m.CreatedAt < createdBefore);
        if (ids is not null) query = query.Where(m => ids.Contains(m.Id));
        return await query.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(ct).ConfigureAwait(false);
    }

    public async Task<int> CountInStateAsync(string state, CancellationToken ct)
    {
        await using var db = _open();
        return await db.Outbound.CountAsync(m => m.State == state, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MessageEvent>> EventsAsync(long id, long afterSeq, CancellationToken ct, int limit = int.MaxValue)
    {
        await using var db = _open();
        return await EventsAfter(db, id, afterSeq, limit).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Outbound messages not yet ACKed, oldest first, with the attempts they already had.</summary>
    public async Task<IReadOnlyList<(Message Message, int Attempts)>> UndeliveredAsync(CancellationToken ct)
    {
        await using var db = _open();
        var rows = await db.Outbound.AsNoTracking()
            .Where(m => m.State == MessageStates.Queued || m.State == MessageStates.Sent || m.State == MessageStates.Retrying)
            .OrderBy(m => m.Id).ToListAsync(ct).ConfigureAwait(false);
        return rows.Select(r => (JsonSerializer.Deserialize(r.Json, StewardJson.Default.Message)!, r.Attempts)).ToList();
    }

    /// <summary>
    /// Received messages that were ACKed but did not finish, oldest first, each with the process group of the command it
    /// had started, if any, and whether it had begun appending to its file (<c>REQToFileAppend</c>).
    /// </summary>
    public async Task<IReadOnlyList<(Message Message, ProcessGroup? Started, bool AppendBegun)>> UnfinishedInboundAsync(CancellationToken ct)
    {
        await using var db = _open();
        var rows = await db.Inbound.AsNoTracking().Where(m => m.State == InboundStates.Received)
            .OrderBy(m => m.ReceivedAt).ToListAsync(ct).ConfigureAwait(false);
        return rows.Select(r => (
            JsonSerializer.Deserialize(r.Json, StewardJson.Default.Message)!,
            r is { ProcessGroup: { } group, ProcessBoot: { } boot, ProcessStartTicks: { } start } ? new ProcessGroup(group, boot, start) : null,
            r.AppendFrom is not null))
            .ToList();
    }

    /// <summary>
    /// The <c>replySeq</c> after the last reply this node stored for <paramref name="request"/> (0 when none): read only
    /// when a streaming message resumes after a restart, so a scan of the outbox's JSON is affordable.
    /// </summary>
    public async Task<int> NextReplySeqAsync(Message request, CancellationToken ct)
    {
        await using var db = _open();
        return await db.Database.SqlQuery<int>($"""
            SELECT coalesce(max(coalesce(json_extract("Json",'$.replySeq'),0)) + 1, 0) AS "Value" FROM "Outbound"
            WHERE "ToNode"={request.FromNode} AND json_extract("Json",'$.isReply')=1 AND json_extract("Json",'$.previousMessage.id')={request.Id}
            AND json_extract("Json",'$.previousMessage.fromNode')={request.FromNode}
            """).SingleAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ErrorEntry>> ErrorsAsync(long afterSeq, CancellationToken ct, int limit = int.MaxValue)
    {
        await using var db = _open();
        return await db.Errors.AsNoTracking().Where(e => e.Seq > afterSeq).OrderBy(e => e.Seq).Take(limit).ToListAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<NodeEntry>> NodesAsync(CancellationToken ct)
    {
        await using var db = _open();
        return await db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The labels operators set on central, by node.</summary>
    public async Task<IReadOnlyList<NodeLabelsEntry>> NodeLabelsAsync(CancellationToken ct)
    {
        await using var db = _open();
        return await db.NodeLabels.AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Whether the file takes a write lock now (the health check).</summary>
    public async Task<bool> IsWritableAsync(CancellationToken ct)
    {
        try
        {
            await using var db = _open();
            await db.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE; ROLLBACK;", ct).ConfigureAwait(false);
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false;
        }
    }
}
