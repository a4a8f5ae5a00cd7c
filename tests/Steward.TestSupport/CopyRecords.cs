using Microsoft.Data.Sqlite;

namespace Steward.TestSupport;

/// <summary>
/// A node's records of the copies it received, read from its <c>steward.db</c> as an operator would with
/// <c>sqlite3 steward.db 'SELECT … FROM CopyInChunks'</c>; read-only, also while the node runs (WAL).
/// </summary>
public static class CopyRecords
{
    /// <summary>One chunk the node received: how often its bytes were written, and whether they are on disk.</summary>
    public sealed record ReceivedChunk(int Chunk, int Writes, bool Written);

    public static IReadOnlyList<ReceivedChunk> ChunksReceived(string dataFolder, string fromNode) =>
        Read(dataFolder, """SELECT "Chunk","Writes","WrittenAt" IS NOT NULL FROM "CopyInChunks" WHERE "FromNode"=$from ORDER BY "Chunk" """, fromNode,
            r => new ReceivedChunk(r.GetInt32(0), r.GetInt32(1), r.GetBoolean(2)));

    /// <summary>The state and error of each copy the node received from <paramref name="fromNode"/>.</summary>
    public static IReadOnlyList<(string State, string? Error)> CopiesReceived(string dataFolder, string fromNode) =>
        Read(dataFolder, """SELECT "State","Error" FROM "CopiesIn" WHERE "FromNode"=$from ORDER BY "CopyId" """, fromNode,
            r => (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)));

    /// <summary>How many chunk messages (<c>REQCopyFileTo</c>) the node stored in its outbox for <paramref name="toNode"/>.</summary>
    public static int ChunkMessagesSent(string dataFolder, string toNode) =>
        Read(dataFolder, """SELECT count(*) FROM "Outbound" WHERE "Method"='REQCopyFileTo' AND "ToNode"=$from""", toNode, r => r.GetInt32(0)).Single();

    /// <summary>How many of the node's <c>REQCopyFileTo</c> messages and their <c>REQPong</c> answers are being resent now.</summary>
    public static int CopyMessagesRetrying(string dataFolder) =>
        Read(dataFolder, """SELECT count(*) FROM "Outbound" WHERE "Method" IN ('REQCopyFileTo','REQPong') AND "State"=$from""", "retrying", r => r.GetInt32(0)).Single();

    private static List<T> Read<T>(string dataFolder, string sql, string value, Func<SqliteDataReader, T> row)
    {
        var path = Path.Combine(dataFolder, "steward.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$from", value);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }
}
