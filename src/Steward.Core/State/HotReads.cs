using Microsoft.Data.Sqlite;

namespace Steward.Core.State;

/// <summary>
/// The two reads on the path of every reply that arrives (the message it answers; whether it came before), as prepared
/// commands on a reader connection of their own, one read at a time. Through EF Core they took 18 % of the gateway's
/// CPU in a 5,000-node fan-out: a pooled context, a connection opened with its pragmas, a query per call
/// (bench/RESULTS.md, "Fleet"). Column names are EF Core's, from <see cref="StewardDb"/>, as in <see cref="HotWrites"/>.
/// </summary>
internal sealed class HotReads : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _findOutbound;
    private readonly SqliteCommand _hasInbound;

    public HotReads(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _findOutbound = _connection.CreateCommand();
        _findOutbound.CommandText = """
            SELECT "Id","ToNode","Method","Json","State","Attempts","BatchId","LastError","CreatedAt","UpdatedAt","Wave","ExitCode" FROM "Outbound" WHERE "Id"=$id
            """;
        _findOutbound.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
        _hasInbound = _connection.CreateCommand();
        _hasInbound.CommandText = """SELECT 1 FROM "Inbound" WHERE "FromNode"=$fromNode AND "Id"=$id""";
        _hasInbound.Parameters.Add(new SqliteParameter { ParameterName = "$fromNode" });
        _hasInbound.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
    }

    public OutboundMessage? FindOutbound(long id)
    {
        lock (_gate)
        {
            _findOutbound.Parameters[0].Value = id;
            using var reader = _findOutbound.ExecuteReader();
            if (!reader.Read()) return null;
            return new OutboundMessage
            {
                Id = reader.GetInt64(0), ToNode = reader.GetString(1), Method = reader.GetString(2), Json = reader.GetString(3),
                State = reader.GetString(4), Attempts = reader.GetInt32(5), BatchId = reader.IsDBNull(6) ? null : reader.GetInt64(6),
                LastError = reader.IsDBNull(7) ? null : reader.GetString(7), CreatedAt = Utc(reader.GetDateTime(8)), UpdatedAt = Utc(reader.GetDateTime(9)),
                Wave = reader.IsDBNull(10) ? null : reader.GetInt32(10), ExitCode = reader.IsDBNull(11) ? null : reader.GetInt32(11),
            };
        }
    }

    public bool HasInbound(string fromNode, long id)
    {
        lock (_gate)
        {
            _hasInbound.Parameters[0].Value = fromNode;
            _hasInbound.Parameters[1].Value = id;
            return _hasInbound.ExecuteScalar() is not null;
        }
    }

    /// <summary>SQLite keeps no time zone: every time is written in UTC (as <see cref="StewardDb"/> reads it back).</summary>
    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public void Dispose()
    {
        lock (_gate)
        {
            _findOutbound.Dispose();
            _hasInbound.Dispose();
            _connection.Dispose();
        }
    }
}
