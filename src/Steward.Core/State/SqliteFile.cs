using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Steward.Core.State;

/// <summary>
/// A node's <c>steward.db</c>: created in WAL mode; one long-lived connection for the single writer (so the durability
/// pragma is set once and no commit pays for opening a connection), pooled connections for readers.
/// </summary>
internal static class SqliteFile
{
    public static DbContextOptions<StewardDb> ReaderOptions(string path) =>
        new DbContextOptionsBuilder<StewardDb>().UseSqlite(ConnectionString(path)).Options;

    public static SqliteConnection OpenWriter(string path, string synchronous)
    {
        var connection = new SqliteConnection(ConnectionString(path));
        connection.Open();
        using var pragmas = connection.CreateCommand();
#pragma warning disable CA2100 // the level is one of a fixed list, checked by StewardOptions
        pragmas.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous};";
#pragma warning restore CA2100
        pragmas.ExecuteNonQuery();
        return connection;
    }

    public static DbContextOptions<StewardDb> WriterOptions(SqliteConnection writer) =>
        new DbContextOptionsBuilder<StewardDb>().UseSqlite(writer).Options;

    public static void Create(DbContextOptions<StewardDb> options)
    {
        using var db = new StewardDb(options);
        db.Database.EnsureCreated();
    }

    // DefaultTimeout also bounds how long a command waits for a lock another connection holds.
    private static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
}
