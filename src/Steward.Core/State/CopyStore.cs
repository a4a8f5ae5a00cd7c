namespace Steward.Core.State;

/// <summary>
/// The copies' records in the node's file: the plan and the chunks stored of each copy this node sends, and of each copy
/// it receives, which chunks are written and how it ended. Writes go through the node's one write queue, reads are plain
/// SQLite commands (<see cref="NodeReads"/>: an AOT agent copies too). Not on the path of every message, so not prepared.
/// </summary>
internal sealed class CopyStore(WriteQueue writes, NodeReads reads, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The plan of the copy that received message <c>(fromNode, messageId)</c> runs, once made.</summary>
    public async Task<CopyOut?> FindOutAsync(string fromNode, long messageId, CancellationToken ct) => (await reads.ReadAsync(
        """SELECT "CopyId","FromNode","MessageId","ToNode","Size","ChunkBytes","Chunks","Sha256","CreatedAt" FROM "CopiesOut" WHERE "FromNode"=$fromNode AND "MessageId"=$messageId""",
        r => new CopyOut
        {
            CopyId = r.GetInt64(0), FromNode = r.GetString(1), MessageId = r.GetInt64(2), ToNode = r.GetString(3), Size = r.GetInt64(4),
            ChunkBytes = r.GetInt32(5), Chunks = r.GetInt32(6), Sha256 = r.GetString(7), CreatedAt = Utc(r.GetDateTime(8)),
        }, ct, ("$fromNode", fromNode), ("$messageId", messageId)).ConfigureAwait(false)) is [var found] ? found : null;

    /// <summary>Stores <paramref name="plan"/> with a new copy id, unless its message has one: gives the one stored.</summary>
    public async Task<CopyOut> PlanOutAsync(CopyOut plan, CancellationToken ct)
    {
        await writes.EnqueueAsync(hot => hot.Execute("""
            INSERT OR IGNORE INTO "CopiesOut" ("CopyId","FromNode","MessageId","ToNode","Size","ChunkBytes","Chunks","Sha256","CreatedAt")
            VALUES ($copyId,$fromNode,$messageId,$toNode,$size,$chunkBytes,$chunks,$sha256,$now)
            """, ("$copyId", hot.NextId()), ("$fromNode", plan.FromNode), ("$messageId", plan.MessageId), ("$toNode", plan.ToNode), ("$size", plan.Size),
            ("$chunkBytes", plan.ChunkBytes), ("$chunks", plan.Chunks), ("$sha256", plan.Sha256), ("$now", Now)), ct).ConfigureAwait(false);
        return (await FindOutAsync(plan.FromNode, plan.MessageId, ct).ConfigureAwait(false))!;
    }

    /// <summary>The chunks of copy <paramref name="copyId"/> stored in the outbox so far, in order.</summary>
    public Task<IReadOnlyList<CopyOutChunk>> ChunksOutAsync(long copyId, CancellationToken ct) => reads.ReadAsync(
        """SELECT "CopyId","Chunk","MessageId" FROM "CopyOutChunks" WHERE "CopyId"=$copyId ORDER BY "Chunk" """,
        r => new CopyOutChunk { CopyId = r.GetInt64(0), Chunk = r.GetInt32(1), MessageId = r.GetInt64(2) }, ct, ("$copyId", copyId));

    /// <summary>In the commit that stores the chunk's message: that chunk is on its way, never to be stored again.</summary>
    public static void AddChunkOut(HotWrites hot, long copyId, int chunk, long messageId) =>
        hot.Execute("""INSERT INTO "CopyOutChunks" ("CopyId","Chunk","MessageId") VALUES ($copyId,$chunk,$messageId)""",
            ("$copyId", copyId), ("$chunk", chunk), ("$messageId", messageId));

    /// <summary>Records a copy this node receives, unless it is recorded already; gives the record.</summary>
    public async Task<CopyIn> BeginInAsync(CopyIn copy, CancellationToken ct)
    {
        await writes.EnqueueAsync(hot => hot.Execute("""
            INSERT OR IGNORE INTO "CopiesIn" ("FromNode","CopyId","Path","TempPath","Size","Chunks","Sha256","State","CreatedAt")
            VALUES ($fromNode,$copyId,$path,$tempPath,$size,$chunks,$sha256,$state,$now)
            """, ("$fromNode", copy.FromNode), ("$copyId", copy.CopyId), ("$path", copy.Path), ("$tempPath", copy.TempPath), ("$size", copy.Size),
            ("$chunks", copy.Chunks), ("$sha256", copy.Sha256), ("$state", copy.State), ("$now", Now)), ct).ConfigureAwait(false);
        return (await FindInAsync(copy.FromNode, copy.CopyId, ct).ConfigureAwait(false))!;
    }

    public async Task<CopyIn?> FindInAsync(string fromNode, long copyId, CancellationToken ct) => (await reads.ReadAsync(
        """
        SELECT "FromNode","CopyId","Path","TempPath","Size","Chunks","Sha256","State","Error","CreatedAt","FinishedAt" FROM "CopiesIn"
        WHERE "FromNode"=$fromNode AND "CopyId"=$copyId
        """,
        r => new CopyIn
        {
            FromNode = r.GetString(0), CopyId = r.GetInt64(1), Path = r.GetString(2), TempPath = r.GetString(3), Size = r.GetInt64(4), Chunks = r.GetInt32(5),
            Sha256 = r.GetString(6), State = r.GetString(7), Error = r.IsDBNull(8) ? null : r.GetString(8), CreatedAt = Utc(r.GetDateTime(9)),
            FinishedAt = r.IsDBNull(10) ? null : Utc(r.GetDateTime(10)),
        }, ct, ("$fromNode", fromNode), ("$copyId", copyId)).ConfigureAwait(false)) is [var found] ? found : null;

    public async Task<CopyInChunk?> FindChunkInAsync(string fromNode, long copyId, int chunk, CancellationToken ct) => (await reads.ReadAsync(
        """SELECT "FromNode","CopyId","Chunk","MessageId","Writes","WrittenAt" FROM "CopyInChunks" WHERE "FromNode"=$fromNode AND "CopyId"=$copyId AND "Chunk"=$chunk""",
        r => new CopyInChunk
        {
            FromNode = r.GetString(0), CopyId = r.GetInt64(1), Chunk = r.GetInt32(2), MessageId = r.GetInt64(3), Writes = r.GetInt32(4),
            WrittenAt = r.IsDBNull(5) ? null : Utc(r.GetDateTime(5)),
        }, ct, ("$fromNode", fromNode), ("$copyId", copyId), ("$chunk", chunk)).ConfigureAwait(false)) is [var found] ? found : null;

    /// <summary>Counts a write of the chunk's bytes, committed before they are written; gives the count with it.</summary>
    public Task<int> CountWriteAsync(string fromNode, long copyId, int chunk, long messageId, CancellationToken ct) =>
        writes.EnqueueAsync(hot => (int)(long)hot.Scalar("""
            INSERT INTO "CopyInChunks" ("FromNode","CopyId","Chunk","MessageId","Writes") VALUES ($fromNode,$copyId,$chunk,$messageId,1)
            ON CONFLICT DO UPDATE SET "Writes"="Writes"+1,"MessageId"=$messageId RETURNING "Writes"
            """, ("$fromNode", fromNode), ("$copyId", copyId), ("$chunk", chunk), ("$messageId", messageId))!, ct);

    /// <summary>The chunk's bytes are on disk.</summary>
    public Task ChunkWrittenAsync(string fromNode, long copyId, int chunk, CancellationToken ct) =>
        writes.EnqueueAsync(hot => hot.Execute("""
            UPDATE "CopyInChunks" SET "WrittenAt"=$now WHERE "FromNode"=$fromNode AND "CopyId"=$copyId AND "Chunk"=$chunk
            """, ("$now", Now), ("$fromNode", fromNode), ("$copyId", copyId), ("$chunk", chunk)), ct);

    public async Task<int> WrittenCountAsync(string fromNode, long copyId, CancellationToken ct) => (await reads.ReadAsync(
        """SELECT count(*) FROM "CopyInChunks" WHERE "FromNode"=$fromNode AND "CopyId"=$copyId AND "WrittenAt" IS NOT NULL""",
        r => r.GetInt32(0), ct, ("$fromNode", fromNode), ("$copyId", copyId)).ConfigureAwait(false))[0];

    /// <summary>SQLite keeps no time zone: every time is written in UTC.</summary>
    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    /// <summary>Ends a copy this node receives: complete, or failed with <paramref name="error"/>; recorded as failed also before its first chunk.</summary>
    public Task EndInAsync(CopyIn copy, string state, string? error, CancellationToken ct) =>
        writes.EnqueueAsync(hot => hot.Execute("""
            INSERT INTO "CopiesIn" ("FromNode","CopyId","Path","TempPath","Size","Chunks","Sha256","State","Error","CreatedAt","FinishedAt")
            VALUES ($fromNode,$copyId,$path,$tempPath,$size,$chunks,$sha256,$state,$error,$now,$now)
            ON CONFLICT DO UPDATE SET "State"=$state,"Error"=$error,"FinishedAt"=$now
            """, ("$fromNode", copy.FromNode), ("$copyId", copy.CopyId), ("$path", copy.Path), ("$tempPath", copy.TempPath), ("$size", copy.Size),
            ("$chunks", copy.Chunks), ("$sha256", copy.Sha256), ("$state", state), ("$error", error), ("$now", Now)), ct);

    /// <summary>
    /// With the duplicate memory (in its commit): a received copy that ended before <paramref name="before"/>, and a sent
    /// copy whose message is forgotten, with their chunks.
    /// </summary>
    public static void Forget(HotWrites hot, DateTime before)
    {
        const string endedIn = """SELECT "FromNode","CopyId" FROM "CopiesIn" WHERE "FinishedAt" < $before""";
        const string forgottenOut = """
            SELECT "CopyId" FROM "CopiesOut" c WHERE NOT EXISTS (SELECT 1 FROM "Inbound" i WHERE i."FromNode"=c."FromNode" AND i."Id"=c."MessageId")
            """;
        hot.Execute($"""DELETE FROM "CopyInChunks" WHERE ("FromNode","CopyId") IN ({endedIn})""", ("$before", before));
        hot.Execute($"""DELETE FROM "CopiesIn" WHERE ("FromNode","CopyId") IN ({endedIn})""", ("$before", before));
        hot.Execute($"""DELETE FROM "CopyOutChunks" WHERE "CopyId" IN ({forgottenOut})""");
        hot.Execute($"""DELETE FROM "CopiesOut" WHERE "CopyId" IN ({forgottenOut})""");
    }
}
