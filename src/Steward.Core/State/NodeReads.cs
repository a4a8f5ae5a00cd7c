using System.Text.Json;
using Microsoft.Data.Sqlite;
using Steward.Core.Handlers;
using Steward.Core.Messages;

namespace Steward.Core.State;

/// <summary>
/// The reads the node runtime itself makes, as plain SQLite commands: the two on the path of every reply
/// (<see cref="HotReads"/>), what a restart resumes, and what a cleared queue cancels. No EF Core here: an agent
/// published with Native AOT reaches only these, and EF Core cannot build its model there (the operator's queries, on
/// the gateway, are <see cref="NodeQueries"/>).
/// </summary>
internal sealed class NodeReads(string connectionString, HotReads hot)
{
    /// <summary>One outbound message (on the path of every reply that arrives: <see cref="HotReads"/>).</summary>
    public Task<OutboundMessage?> FindOutboundAsync(long id, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(hot.FindOutbound(id));
    }

    /// <summary>Whether <c>(fromNode, id)</c> was received and is still remembered.</summary>
    public Task<bool> HasInboundAsync(string fromNode, long id, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(hot.HasInbound(fromNode, id));
    }

    /// <summary>Outbound messages not yet ACKed, oldest first, with the attempts they already had.</summary>
    public Task<IReadOnlyList<(Message Message, int Attempts)>> UndeliveredAsync(CancellationToken ct) => ReadAsync(
        """SELECT "Json","Attempts" FROM "Outbound" WHERE "State" IN ('queued','sent','retrying') ORDER BY "Id" """,
        r => (ToMessage(r.GetString(0)), r.GetInt32(1)), ct);

    /// <summary>
    /// Received messages that were ACKed but did not finish, oldest first, each with the process group of the command it
    /// had started, if any, and whether it had begun appending to its file (<c>REQToFileAppend</c>).
    /// </summary>
    public Task<IReadOnlyList<(Message Message, ProcessGroup? Started, bool AppendBegun)>> UnfinishedInboundAsync(CancellationToken ct) => ReadAsync(
        """SELECT "Json","ProcessGroup","ProcessBoot","ProcessStartTicks","AppendFrom" FROM "Inbound" WHERE "State"='received' ORDER BY "ReceivedAt" """,
        r => (ToMessage(r.GetString(0)),
            r.IsDBNull(1) || r.IsDBNull(2) || r.IsDBNull(3) ? null : new ProcessGroup(r.GetInt32(1), r.GetString(2), r.GetInt64(3)),
            !r.IsDBNull(4)),
        ct);

    /// <summary>The ids of unfinished outbound messages that match (a filter left null matches all), oldest first.</summary>
    public Task<IReadOnlyList<long>> UnfinishedOutboundAsync(
        string? toNode, string? state, DateTime? createdBefore, IReadOnlyCollection<long>? ids, CancellationToken ct) => ReadAsync(
        """
        SELECT "Id" FROM "Outbound" WHERE "State" NOT IN ('done','failed','rejected','cancelled')
          AND ($toNode IS NULL OR "ToNode"=$toNode) AND ($state IS NULL OR "State"=$state) AND ($before IS NULL OR "CreatedAt" < $before)
          AND ($ids IS NULL OR "Id" IN (SELECT "value" FROM json_each($ids)))
        ORDER BY "Id"
        """,
        r => r.GetInt64(0), ct,
        ("$toNode", toNode), ("$state", state), ("$before", createdBefore?.ToUniversalTime()),
        ("$ids", ids is null ? null : "[" + string.Join(',', ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]"));

    /// <summary>The rollouts not at their end, each with its released messages that are not final yet.</summary>
    public async Task<IReadOnlyList<(long Rollout, IReadOnlyList<long> InFlight)>> RolloutsToFollowAsync(CancellationToken ct)
    {
        var rollouts = await ReadAsync("""SELECT "Id","RolloutState" FROM "Batches" WHERE "RolloutState" IN ($running,$stopped)""",
            r => (Id: r.GetInt64(0), State: r.GetString(1)), ct, ("$running", RolloutStates.Running), ("$stopped", RolloutStates.Stopped)).ConfigureAwait(false);
        var result = new List<(long, IReadOnlyList<long>)>();
        foreach (var (id, state) in rollouts)
        {
            var inFlight = await ReadAsync(
                """SELECT "Id" FROM "Outbound" WHERE "BatchId"=$id AND "Wave" IS NOT NULL AND "State" NOT IN ('done','failed','rejected','cancelled')""",
                r => r.GetInt64(0), ct, ("$id", id)).ConfigureAwait(false);
            if (state == RolloutStates.Running || inFlight.Count > 0) result.Add((id, inFlight));
        }
        return result;
    }

    /// <summary>
    /// The <c>replySeq</c> after the last reply this node stored for <paramref name="request"/> (0 when none): read only
    /// when a streaming message resumes after a restart, so a scan of the outbox's JSON is affordable.
    /// </summary>
    public async Task<int> NextReplySeqAsync(Message request, CancellationToken ct) => (await ReadAsync("""
        SELECT coalesce(max(coalesce(json_extract("Json",'$.replySeq'),0)) + 1, 0) FROM "Outbound"
        WHERE "ToNode"=$fromNode AND json_extract("Json",'$.isReply')=1 AND json_extract("Json",'$.previousMessage.id')=$id
        AND json_extract("Json",'$.previousMessage.fromNode')=$fromNode
        """, r => r.GetInt32(0), ct, ("$fromNode", request.FromNode), ("$id", request.Id)).ConfigureAwait(false))[0];

    /// <summary>The output of the last reply recorded for outbound message <paramref name="id"/>, if any.</summary>
    public async Task<string?> LastReplyOutputAsync(long id, CancellationToken ct) => (await ReadAsync(
        """SELECT "Output" FROM "Events" WHERE "MessageId"=$id AND "Kind"='reply' ORDER BY "Seq" DESC LIMIT 1""",
        r => r.IsDBNull(0) ? null : r.GetString(0), ct, ("$id", id)).ConfigureAwait(false)) is [var output] ? output : null;

    /// <summary>
    /// How many nodes said hello at or after <paramref name="since"/>: read when the metrics are scraped, which asks
    /// synchronously (a gauge's callback), hence the one synchronous read here.
    /// </summary>
    public int NodesSeenSince(DateTime since)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """SELECT count(*) FROM "Nodes" WHERE "LastSeen" >= $since""";
        command.Parameters.AddWithValue("$since", since);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Message ToMessage(string json) => JsonSerializer.Deserialize(json, StewardJson.Default.Message)!;

    /// <summary>Rows of <paramref name="sql">, each read by <paramref name="read">, on a connection of their own.</summary>
    public async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(read(reader));
        return rows;
    }
}
