using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Steward.Core.State;

/// <summary>Opens a node's <c>steward.db</c> in WAL mode with the configured durability on every connection.</summary>
internal static class SqliteFile
{
    public static DbContextOptions<StewardDb> Options(string path, string synchronous) =>
        new DbContextOptionsBuilder<StewardDb>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString())
            .AddInterceptors(new Pragmas(synchronous))
            .Options;

    public static void Create(DbContextOptions<StewardDb> options)
    {
        using var db = new StewardDb(options);
        db.Database.EnsureCreated();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    private sealed class Pragmas(string synchronous) : DbConnectionInterceptor
    {
        private readonly string _sql = $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=30000;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Run(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
        {
            Run(connection);
            return Task.CompletedTask;
        }

        private void Run(DbConnection connection)
        {
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the value is checked against a fixed list by StewardOptions
            command.CommandText = _sql;
#pragma warning restore CA2100
            command.ExecuteNonQuery();
        }
    }
}
