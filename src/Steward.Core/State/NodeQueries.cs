using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Steward.Core.State;

/// <summary>
/// The operator's queries (the gateway's list, filter and paging reads), through EF Core. Each opens its own context
/// (WAL lets readers run beside the writer), but for the one message on the path of every reply, read through
/// <see cref="NodeReads"/>. EF Core builds its model at run time, which Native AOT cannot do: the node runtime reads
/// through <see cref="NodeReads"/> only, and the annotations make the analyzer refuse any use of this class from it.
/// </summary>
[RequiresUnreferencedCode(NeedsEfCore), RequiresDynamicCode(NeedsEfCore)]
internal sealed class NodeQueries : IOperatorQueries
{
    public const string NeedsEfCore = "EF Core builds its model at run time: the operator's queries are for the gateway (JIT), not the node runtime";
    private readonly Func<StewardDb> _open;
    private readonly NodeReads _reads;

    private NodeQueries(Func<StewardDb> open, NodeReads reads) => (_open, _reads) = (open, reads);

    /// <summary>
    /// EF Core's pool: a context per read without a new service scope per read (17 % of the gateway's CPU before).
    /// </summary>
    public static NodeQueries Open(string connectionString, NodeReads reads) =>
        new(new PooledDbContextFactory<StewardDb>(new DbContextOptionsBuilder<StewardDb>().UseSqlite(connectionString).Options).CreateDbContext, reads);

    // Compiled once: every message's event stream reads with it.
    private static readonly Func<StewardDb, long, long, int, IAsyncEnumerable<MessageEvent>> EventsAfter =
        EF.CompileAsyncQuery((StewardDb db, long id, long afterSeq, int limit) =>
            db.Events.AsNoTracking().Where(e => e.MessageId == id && e.Seq > afterSeq).OrderBy(e => e.Seq).Take(limit));

    /// <summary>One outbound message (on the path of every reply that arrives: <see cref="HotReads"/>).</summary>
    public Task<OutboundMessage?> FindOutboundAsync(long id, CancellationToken ct) => _reads.FindOutboundAsync(id, ct);

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
