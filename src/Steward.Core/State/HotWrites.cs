using Microsoft.Data.Sqlite;
using Steward.Core.Handlers;
using Steward.Core.Messages;

namespace Steward.Core.State;

/// <summary>
/// The writes on the delivery path as prepared commands on the writer's connection. EF Core owns the schema and the
/// reads; here it cost about 0.5 ms a commit against SQLite's 0.01 ms, so the hot path talks to SQLite directly
/// (bench/RESULTS.md). Table and column names are EF Core's, from <see cref="StewardDb"/>.
/// </summary>
internal sealed class HotWrites : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly List<SqliteCommand> _all = [];
    private readonly SqliteCommand _insertOutbound;
    private readonly SqliteCommand _findOutbound;
    private readonly SqliteCommand _updateOutbound;
    private readonly SqliteCommand _insertEvent;
    private readonly SqliteCommand _insertInbound;
    private readonly SqliteCommand _finishInbound;
    private readonly SqliteCommand _insertError;
    private readonly SqliteCommand _saveSequence;
    private readonly SqliteCommand _forgetInbound;
    private readonly SqliteCommand _sawNode;
    private readonly SqliteCommand _hasInbound;
    private readonly SqliteCommand _pruneEvents;
    private readonly SqliteCommand _pruneOutbound;
    private readonly SqliteCommand _pruneErrors;
    private readonly SqliteCommand _recordGroup;
    private readonly SqliteCommand _startAppend;
    private readonly SqliteCommand _setExitCode;
    private SqliteTransaction? _transaction;
    private long _lastId;
    private long _savedId;

    public HotWrites(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _insertOutbound = Prepare("""INSERT INTO "Outbound" ("Id","ToNode","Method","Json","State","Attempts","BatchId","CreatedAt","UpdatedAt") VALUES ($id,$toNode,$method,$json,$state,0,$batch,$now,$now)""");
        _findOutbound = Prepare("""SELECT "State","ToNode","BatchId" FROM "Outbound" WHERE "Id"=$id""");
        // A copy's chunk leaves its bytes behind once it ended: the file's content never piles up in the database.
        _updateOutbound = Prepare($"""
            UPDATE "Outbound" SET "State"=$state,"Attempts"=coalesce($attempt,"Attempts"),"LastError"=coalesce($error,"LastError"),"UpdatedAt"=$now,
            "Json"=CASE WHEN "Method"='{Methods.CopyFileTo}' AND $state IN ('{MessageStates.Done}','{MessageStates.Failed}','{MessageStates.Rejected}','{MessageStates.Cancelled}')
            THEN json_remove("Json",'$.data') ELSE "Json" END WHERE "Id"=$id RETURNING "Method","CreatedAt"
            """);
        _insertEvent = Prepare("""INSERT INTO "Events" ("MessageId","Kind","Node","State","Output","ExitCode","Attempt","Error","Wave","At") VALUES ($id,$kind,$node,$state,$output,$exitCode,$attempt,$error,$wave,$now) RETURNING "Seq" """);
        _insertInbound = Prepare("""INSERT OR IGNORE INTO "Inbound" ("FromNode","Id","Method","Json","State","ReceivedAt") VALUES ($fromNode,$id,$method,$json,'received',$now)""");
        _finishInbound = Prepare($"""
            UPDATE "Inbound" SET "State"='done',"FinishedAt"=$now,
            "Json"=CASE "Method" WHEN '{Methods.CopyFileTo}' THEN json_remove("Json",'$.data') ELSE "Json" END WHERE "FromNode"=$fromNode AND "Id"=$id
            """);
        _insertError = Prepare("""INSERT INTO "Errors" ("At","Node","Line","MessageFromNode","MessageId") VALUES ($now,$node,$line,$fromNode,$id) RETURNING "Seq" """);
        _saveSequence = Prepare("""INSERT INTO "Sequences" ("Name","Last") VALUES ('messages',$last) ON CONFLICT("Name") DO UPDATE SET "Last"=excluded."Last" """);
        _forgetInbound = Prepare("""DELETE FROM "Inbound" WHERE "State"='done' AND "FinishedAt" < $before""");
        _sawNode = Prepare("""
            INSERT INTO "Nodes" ("Name","FirstSeen","LastSeen","Version","Os","Arch","StartedAt","Labels","Metrics") VALUES ($name,$now,$now,$version,$os,$arch,$started,$labels,$metrics)
            ON CONFLICT("Name") DO UPDATE SET "LastSeen"=$now,"Version"=$version,"Os"=$os,"Arch"=$arch,"StartedAt"=$started,"Labels"=$labels,"Metrics"=$metrics
            """);
        _hasInbound = Prepare("""SELECT 1 FROM "Inbound" WHERE "FromNode"=$fromNode AND "Id"=$id""");
        // In slices, so pruning a long backlog never holds the writer for long.
        const string finishedBefore = """SELECT "Id" FROM "Outbound" WHERE "State" IN ('done','failed','rejected','cancelled') AND "UpdatedAt" < $before ORDER BY "Id" LIMIT $limit""";
        _pruneEvents = Prepare($"""DELETE FROM "Events" WHERE "MessageId" IN ({finishedBefore})""");
        _pruneOutbound = Prepare($"""DELETE FROM "Outbound" WHERE "Id" IN ({finishedBefore})""");
        _pruneErrors = Prepare("""DELETE FROM "Errors" WHERE "Seq" IN (SELECT "Seq" FROM "Errors" WHERE "At" < $before ORDER BY "Seq" LIMIT $limit)""");
        _recordGroup = Prepare("""UPDATE "Inbound" SET "ProcessGroup"=$group,"ProcessBoot"=$boot,"ProcessStartTicks"=$start WHERE "FromNode"=$fromNode AND "Id"=$id""");
        _startAppend = Prepare("""UPDATE "Inbound" SET "AppendFrom"=coalesce("AppendFrom",$offset) WHERE "FromNode"=$fromNode AND "Id"=$id RETURNING "AppendFrom" """);
        _setExitCode = Prepare("""UPDATE "Outbound" SET "ExitCode"=$exitCode WHERE "Id"=$id""");
        Fleet = new FleetWrites(this);
        using var last = connection.CreateCommand();
        last.CommandText = """SELECT "Last" FROM "Sequences" WHERE "Name"='messages'""";
        // A new file starts at the current Unix time in ms: a node whose file was lost or moved aside must not reuse
        // ids its receivers still remember as already run.
        _lastId = _savedId = last.ExecuteScalar() is long value ? value : time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>The writes of fan-outs, rollouts and operators' node labels: not on the delivery path, but in the same commits.</summary>
    public FleetWrites Fleet { get; }

    /// <summary>A command on the writer's connection, joined to each transaction as the others are.</summary>
    public SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        _all.Add(command);
        return command;
    }

    /// <summary>The events and error entries written in the current transaction, with their <c>Seq</c>.</summary>
    public CommittedItems Written { get; } = new();

    public void Begin(SqliteTransaction transaction)
    {
        _transaction = transaction;
        Written.Clear();
        foreach (var command in _all) command.Transaction = transaction;
    }

    /// <summary>The next message id; persisted by <see cref="SaveIds"/> with the batch that uses it (a rolled-back batch leaves a gap, never a repeat).</summary>
    public long NextId() => ++_lastId;

    /// <summary>Persists the last id given out, once per transaction rather than once per id.</summary>
    public void SaveIds()
    {
        if (_lastId == _savedId) return;
        Run(_saveSequence, ("$last", _lastId));
        _savedId = _lastId;
    }

    public void InsertOutbound(long id, string toNode, string method, string json, string state, long? batchId, DateTime now)
    {
        Run(_insertOutbound, ("$id", id), ("$toNode", toNode), ("$method", method), ("$json", json), ("$state", state), ("$batch", batchId), ("$now", now));
        Written.Moves.Add(new StateMove(method, null, state, now, now));
    }

    public (string State, string ToNode, long? BatchId)? FindOutbound(long id)
    {
        Set(_findOutbound, ("$id", id));
        using var reader = _findOutbound.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)) : null;
    }

    /// <summary>Keeps the exit code a reply reported on the message it answers.</summary>
    public void SetExitCode(long id, int exitCode) => Run(_setExitCode, ("$id", id), ("$exitCode", exitCode));

    /// <summary>Moves message <paramref name="id"/> from <paramref name="from"/> to <paramref name="state"/>: the one write of every state change.</summary>
    public void UpdateOutbound(long id, string from, string state, int? attempt, string? error, DateTime now)
    {
        Set(_updateOutbound, ("$id", id), ("$state", state), ("$attempt", attempt), ("$error", error), ("$now", now));
        using var reader = _updateOutbound.ExecuteReader();
        if (reader.Read()) Written.Moves.Add(new StateMove(reader.GetString(0), from, state, reader.GetDateTime(1), now));
    }

    /// <summary>Stores <paramref name="e"/> and gives it its <c>Seq</c>; <paramref name="batchId"/> is its message's batch, for the feed.</summary>
    public void InsertEvent(MessageEvent e, long? batchId)
    {
        Set(_insertEvent, ("$id", e.MessageId), ("$kind", e.Kind), ("$node", e.Node), ("$state", e.State), ("$output", e.Output),
            ("$exitCode", e.ExitCode), ("$attempt", e.Attempt), ("$error", e.Error), ("$wave", e.Wave), ("$now", e.At));
        e.Seq = (long)_insertEvent.ExecuteScalar()!;
        Written.Events.Add((e, batchId));
    }

    /// <summary>False when <c>(fromNode, id)</c> is already stored.</summary>
    public bool InsertInbound(string fromNode, long id, string method, string json, DateTime now) =>
        Run(_insertInbound, ("$fromNode", fromNode), ("$id", id), ("$method", method), ("$json", json), ("$now", now)) == 1;

    public bool HasInbound(string fromNode, long id)
    {
        Set(_hasInbound, ("$fromNode", fromNode), ("$id", id));
        return _hasInbound.ExecuteScalar() is not null;
    }

    public void FinishInbound(string fromNode, long id, DateTime now) =>
        Run(_finishInbound, ("$fromNode", fromNode), ("$id", id), ("$now", now));

    public void RecordProcessGroup(string fromNode, long id, ProcessGroup group) =>
        Run(_recordGroup, ("$fromNode", fromNode), ("$id", id), ("$group", group.Id), ("$boot", group.Boot), ("$start", group.StartTicks));

    /// <summary>Records <paramref name="offset"/> as where the message's append starts, unless a start is recorded already; gives the recorded one.</summary>
    public long? StartAppend(string fromNode, long id, long offset)
    {
        Set(_startAppend, ("$fromNode", fromNode), ("$id", id), ("$offset", offset));
        return _startAppend.ExecuteScalar() is long recorded ? recorded : null;
    }

    public void SawNode(NodeEntry n) =>
        Run(_sawNode, ("$name", n.Name), ("$now", n.LastSeen), ("$version", n.Version), ("$os", n.Os), ("$arch", n.Arch), ("$started", n.StartedAt), ("$labels", n.Labels), ("$metrics", n.Metrics));

    public int ForgetInbound(DateTime finishedBefore) => Run(_forgetInbound, ("$before", finishedBefore));

    /// <summary>Deletes up to <paramref name="limit"/> messages that ended before <paramref name="before"/>, with their events; gives how many.</summary>
    public int PruneFinished(DateTime before, int limit)
    {
        Run(_pruneEvents, ("$before", before), ("$limit", limit));
        return Run(_pruneOutbound, ("$before", before), ("$limit", limit));
    }

    /// <summary>Deletes up to <paramref name="limit"/> error log entries older than <paramref name="before"/>.</summary>
    public int PruneErrors(DateTime before, int limit) => Run(_pruneErrors, ("$before", before), ("$limit", limit));

    /// <summary>Stores <paramref name="e"/> and gives it its <c>Seq</c>.</summary>
    public void InsertError(ErrorEntry e)
    {
        Set(_insertError, ("$now", e.At), ("$node", e.Node), ("$line", e.Line), ("$fromNode", e.MessageFromNode), ("$id", e.MessageId));
        e.Seq = (long)_insertError.ExecuteScalar()!;
        Written.Errors.Add(e);
    }

    /// <summary>A write off the delivery path (the copies' records), in the current transaction: made per call, not prepared.</summary>
    public int Execute(string sql, params (string Name, object? Value)[] values)
    {
        using var command = Command(sql, values);
        return command.ExecuteNonQuery();
    }

    /// <summary>A read in the current transaction, for a write that depends on what is there.</summary>
    public object? Scalar(string sql, params (string Name, object? Value)[] values)
    {
        using var command = Command(sql, values);
        return command.ExecuteScalar();
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] values)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in values) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    internal static int Run(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        Set(command, values);
        return command.ExecuteNonQuery();
    }

    internal static void Set(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        if (command.Parameters.Count == 0)
            foreach (var (name, _) in values) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i].Value ?? DBNull.Value;
    }

    public void Dispose()
    {
        foreach (var command in _all) command.Dispose();
    }
}
