using Microsoft.Data.Sqlite;
using Steward.Core.Node;

namespace Steward.Core.State;

/// <summary>
/// A node's <c>steward.db</c>: created in WAL mode; one long-lived connection for the single writer (so the durability
/// pragma is set once and no commit pays for opening a connection), pooled connections for readers.
/// </summary>
internal static class SqliteFile
{
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

    /// <summary>The reads on the delivery path, on a connection of their own.</summary>
    public static HotReads OpenHotReads(string path) => new(ConnectionString(path));

    /// <summary>The shape of the tables; raise it with every change to <see cref="Schema"/> (and <see cref="StewardDb"/>'s model).</summary>
    public const int SchemaVersion = 9;

    /// <summary>From each older schema version to the next.</summary>
    private static readonly Dictionary<int, string> Upgrades = new()
    {
        [4] = """ALTER TABLE "Inbound" ADD COLUMN "AppendFrom" INTEGER NULL""",
        [5] = """ALTER TABLE "Nodes" ADD COLUMN "Labels" TEXT NULL""",
        // Fleet targeting and rollouts: a message's wave and exit code, an event's wave, operators' labels, the batches.
        [6] = """
            ALTER TABLE "Outbound" ADD COLUMN "Wave" INTEGER NULL;
            ALTER TABLE "Outbound" ADD COLUMN "ExitCode" INTEGER NULL;
            ALTER TABLE "Events" ADD COLUMN "Wave" INTEGER NULL;
            """ + Schema.Fleet,
        // The copies (REQCopyFileFrom, REQCopyFileTo).
        [7] = Schema.Copies,
        // The metrics summary of a node's last hello.
        [8] = """ALTER TABLE "Nodes" ADD COLUMN "Metrics" TEXT NULL""",
    };

    /// <summary>
    /// Creates the tables in a new file, upgrades one an earlier version made (from version 4 on), and refuses one it
    /// cannot upgrade.
    /// </summary>
    public static void Create(string path)
    {
        using var connection = new SqliteConnection(ConnectionString(path));
        connection.Open();
        if (Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type='table'") == 0)
        {
            using var create = connection.BeginTransaction();
            Execute(create, Schema.Create);
            Execute(create, UserVersion(SchemaVersion));
            create.Commit();
            return;
        }
        var found = (int)Scalar(connection, "PRAGMA user_version");
        // An upgrade keeps the file, and with it the duplicate memory and the queue: each step adds what it needs.
        while (found < SchemaVersion && Upgrades.TryGetValue(found, out var upgrade))
        {
            using var step = connection.BeginTransaction();
            Execute(step, upgrade);
            Execute(step, UserVersion(++found));
            step.Commit();
        }
        if (found != SchemaVersion)
            throw new StewardStartupException(
                $"{path} has schema version {found} but this Steward needs {SchemaVersion}; move the file aside (its messages stay readable with sqlite3) and start again");
    }

    // DefaultTimeout also bounds how long a command waits for a lock another connection holds.
    public static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();

    private static string UserVersion(int version) => "PRAGMA user_version=" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);   // a number we count

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteTransaction transaction, string sql)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // the schema and its upgrades are constants of this file
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }
}
