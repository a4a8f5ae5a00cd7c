using System.Text.Json;
using Microsoft.Data.Sqlite;
using Steward.Core.Fleet;
using Steward.Core.Messages;

namespace Steward.Core.State;

/// <summary>What one step of a rollout did: the messages it released (to hand to their publishers), and where it is now.</summary>
internal sealed record RolloutAdvance(IReadOnlyList<Message> Released, string State, DateTime? NextWaveAt, int InFlight)
{
    /// <summary>Whether anything is left to follow: messages to release, or released ones whose end changes its error count.</summary>
    public bool Active => State == RolloutStates.Running || InFlight > 0;
}

/// <summary>
/// The writes of fan-outs and rollouts, and of the labels operators set, on the writer's connection inside the group
/// commit: a rollout step reads its counts and releases or cancels its messages in one transaction, so no message is
/// released twice and a crash leaves either all of a step or none of it.
/// </summary>
internal sealed class FleetWrites
{
    private const string Final = "('done','failed','rejected','cancelled')";
    private readonly HotWrites _hot;
    private readonly SqliteCommand _insertBatch;
    private readonly SqliteCommand _readRollout;
    private readonly SqliteCommand _countRollout;
    private readonly SqliteCommand _waiting;
    private readonly SqliteCommand _release;
    private readonly SqliteCommand _updateRollout;
    private readonly SqliteCommand _setLabels;
    private readonly SqliteCommand _clearLabels;
    private readonly SqliteCommand _pruneBatches;

    public FleetWrites(HotWrites hot)
    {
        _hot = hot;
        _insertBatch = hot.Prepare("""
            INSERT INTO "Batches" ("Id","Selector","Targets","OnlyOnline","Nodes","RolloutState","MaxConcurrency","Concurrency","MaxErrors","ErrorLimit",
                "BatchSleepSeconds","Wave","Errors","CreatedAt","UpdatedAt")
            VALUES ($id,$selector,$targets,$onlyOnline,$nodes,$state,$maxConcurrency,$concurrency,$maxErrors,$errorLimit,$sleep,0,0,$now,$now)
            """);
        _readRollout = hot.Prepare("""
            SELECT "RolloutState","Concurrency","MaxErrors","ErrorLimit","BatchSleepSeconds","Wave","StopReason","NextWaveAt" FROM "Batches" WHERE "Id"=$id
            """);
        // The error rule of a rollout: a released message that failed, was rejected, or replied with a non-zero exit code.
        _countRollout = hot.Prepare($"""
            SELECT coalesce(sum("State"='waiting'),0), coalesce(sum("Wave" IS NOT NULL AND "State" NOT IN {Final}),0), coalesce(sum("Wave" IS NOT NULL),0),
                coalesce(sum("Wave" IS NOT NULL AND ("State" IN ('failed','rejected') OR coalesce("ExitCode",0)<>0)),0)
            FROM "Outbound" WHERE "BatchId"=$id
            """);
        _waiting = hot.Prepare("""SELECT "Id","ToNode","Json" FROM "Outbound" WHERE "BatchId"=$id AND "State"='waiting' ORDER BY "Id" LIMIT $limit""");
        _release = hot.Prepare("""UPDATE "Outbound" SET "State"='queued',"Wave"=$wave,"UpdatedAt"=$now WHERE "Id"=$id""");
        _updateRollout = hot.Prepare("""
            UPDATE "Batches" SET "RolloutState"=$state,"Wave"=$wave,"Errors"=$errors,"StopReason"=$reason,"NextWaveAt"=$next,"UpdatedAt"=$now WHERE "Id"=$id
            """);
        _setLabels = hot.Prepare("""
            INSERT INTO "NodeLabels" ("Name","Labels","SetBy","SetAt") VALUES ($name,$labels,$setBy,$now)
            ON CONFLICT("Name") DO UPDATE SET "Labels"=$labels,"SetBy"=$setBy,"SetAt"=$now
            """);
        _clearLabels = hot.Prepare("""DELETE FROM "NodeLabels" WHERE "Name"=$name""");
        _pruneBatches = hot.Prepare("""
            DELETE FROM "Batches" WHERE "Id" IN (SELECT "Id" FROM "Batches" b WHERE "UpdatedAt" < $before
                AND NOT EXISTS (SELECT 1 FROM "Outbound" WHERE "BatchId"=b."Id") ORDER BY "Id" LIMIT $limit)
            """);
    }

    /// <summary>Deletes up to <paramref name="limit"/> records of fan-outs whose messages are all gone (pruned) and that did not change since <paramref name="before"/>.</summary>
    public int PruneBatches(DateTime before, int limit) => HotWrites.Run(_pruneBatches, ("$before", before), ("$limit", limit));

    /// <summary>Records fan-out <paramref name="id"/> as resolved; with a rollout, as running (its messages were stored waiting).</summary>
    public void InsertBatch(long id, FanOut fanOut, DateTime now)
    {
        var rollout = fanOut.Rollout;
        HotWrites.Run(_insertBatch, ("$id", id), ("$selector", fanOut.Selector),
            ("$targets", JsonSerializer.Serialize(fanOut.Targets.ToArray(), StewardJson.Default.StringArray)), ("$onlyOnline", fanOut.OnlyOnline),
            ("$nodes", JsonSerializer.Serialize(fanOut.Nodes.ToArray(), StewardJson.Default.StringArray)),
            ("$state", rollout is null ? null : RolloutStates.Running), ("$maxConcurrency", rollout?.MaxConcurrency), ("$concurrency", rollout?.Concurrency),
            ("$maxErrors", rollout?.MaxErrors), ("$errorLimit", rollout?.ErrorLimit), ("$sleep", rollout?.BatchSleepSeconds ?? 0), ("$now", now));
    }

    /// <summary>
    /// One step of rollout <paramref name="batchId"/> (<see cref="RolloutStep"/>): releases the waiting messages it may
    /// (<c>waiting → queued</c>, each with its wave), or cancels every waiting one with the reason once its errors reached
    /// the limit, and records where it is. Null for a batch that is no rollout.
    /// </summary>
    public RolloutAdvance? AdvanceRollout(long batchId, DateTime now)
    {
        if (ReadRollout(batchId) is not { RolloutState: not null } rollout) return null;
        var counts = Count(batchId);
        var decision = RolloutStep.Next(rollout, counts, now);
        var released = new List<Message>();
        if (decision.Release > 0)
            foreach (var (id, toNode, json) in Waiting(batchId, decision.Release))
            {
                var wave = RolloutStep.WaveOf(counts.Released + released.Count, rollout.Concurrency ?? 1);
                HotWrites.Run(_release, ("$id", id), ("$wave", wave), ("$now", now));
                _hot.InsertEvent(new MessageEvent { MessageId = id, Kind = EventKinds.State, Node = toNode, State = MessageStates.Queued, Wave = wave, At = now }, batchId);
                released.Add(JsonSerializer.Deserialize(json, StewardJson.Default.Message)!);
                rollout.Wave = wave;
            }
        if (decision.State == RolloutStates.Stopped && rollout.RolloutState == RolloutStates.Running)
            foreach (var (id, toNode, _) in Waiting(batchId, int.MaxValue))
            {
                _hot.UpdateOutbound(id, MessageStates.Waiting, MessageStates.Cancelled, null, decision.StopReason, now);
                _hot.InsertEvent(new MessageEvent
                {
                    MessageId = id, Kind = EventKinds.State, Node = toNode, State = MessageStates.Cancelled, Error = decision.StopReason, At = now,
                }, batchId);
            }
        HotWrites.Run(_updateRollout, ("$id", batchId), ("$state", decision.State), ("$wave", rollout.Wave), ("$errors", counts.Errors),
            ("$reason", decision.StopReason), ("$next", decision.NextWaveAt), ("$now", now));
        return new RolloutAdvance(released, decision.State, decision.NextWaveAt, counts.InFlight + released.Count);
    }

    /// <summary>Sets the labels an operator gives a node (an empty set removes them).</summary>
    public void SetNodeLabels(string name, string? labels, string? setBy, DateTime now)
    {
        if (labels is null) HotWrites.Run(_clearLabels, ("$name", name));
        else HotWrites.Run(_setLabels, ("$name", name), ("$labels", labels), ("$setBy", setBy), ("$now", now));
    }

    private BatchEntry? ReadRollout(long batchId)
    {
        HotWrites.Set(_readRollout, ("$id", batchId));
        using var reader = _readRollout.ExecuteReader();
        if (!reader.Read()) return null;
        return new BatchEntry
        {
            Id = batchId, Targets = "", Nodes = "",
            RolloutState = reader.IsDBNull(0) ? null : reader.GetString(0), Concurrency = reader.IsDBNull(1) ? null : reader.GetInt32(1),
            MaxErrors = reader.IsDBNull(2) ? null : reader.GetString(2), ErrorLimit = reader.IsDBNull(3) ? null : reader.GetInt32(3),
            BatchSleepSeconds = reader.GetInt32(4), Wave = reader.GetInt32(5), StopReason = reader.IsDBNull(6) ? null : reader.GetString(6),
            NextWaveAt = reader.IsDBNull(7) ? null : DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc),
        };
    }

    private RolloutCounts Count(long batchId)
    {
        HotWrites.Set(_countRollout, ("$id", batchId));
        using var reader = _countRollout.ExecuteReader();
        reader.Read();
        return new RolloutCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
    }

    private List<(long Id, string ToNode, string Json)> Waiting(long batchId, int limit)
    {
        HotWrites.Set(_waiting, ("$id", batchId), ("$limit", limit));
        using var reader = _waiting.ExecuteReader();
        var rows = new List<(long, string, string)>();
        while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        return rows;
    }
}
