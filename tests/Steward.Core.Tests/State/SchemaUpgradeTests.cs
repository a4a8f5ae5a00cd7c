using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Tests.State;

public sealed class SchemaUpgradeTests
{
    [Fact]
    public async Task A_file_of_an_earlier_schema_is_upgraded_in_place_keeps_its_duplicate_memory_and_has_the_tables_of_a_new_file()
    {
        var folder = Directory.CreateTempSubdirectory("steward-upgrade-").FullName;
        var received = new Message { FromNode = "central", ToNode = "ship1", Id = 42, Method = Methods.None };
        await using (var store = new NodeStore(folder, "FULL", TimeProvider.System, NullLogger.Instance))
            Assert.True(await store.AddInboundAsync(received));
        var fresh = await ShapeAsync(folder);
        // The file as version 4 left it: without the columns and tables added since.
        await using (var old = Open(folder))
        {
            await using var downgrade = old.CreateCommand();
            downgrade.CommandText = """
                ALTER TABLE "Inbound" DROP COLUMN "AppendFrom"; ALTER TABLE "Nodes" DROP COLUMN "Labels"; ALTER TABLE "Nodes" DROP COLUMN "Metrics";
                ALTER TABLE "Outbound" DROP COLUMN "Wave"; ALTER TABLE "Outbound" DROP COLUMN "ExitCode"; ALTER TABLE "Events" DROP COLUMN "Wave";
                DROP TABLE "NodeLabels"; DROP TABLE "Batches";
                DROP TABLE "CopiesIn"; DROP TABLE "CopiesOut"; DROP TABLE "CopyInChunks"; DROP TABLE "CopyOutChunks"; PRAGMA user_version=4;
                """;
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var upgraded = new NodeStore(folder, "FULL", TimeProvider.System, NullLogger.Instance);

        Assert.False(await upgraded.AddInboundAsync(received));   // still remembered: a resend does not run twice
        Assert.Equal(5L, await upgraded.StartAppendAsync(received, 5, CancellationToken.None));
        Assert.Equal(fresh, await ShapeAsync(folder));
        // The copies' tables the upgrade made are the ones EF Core reads.
        var copy = await upgraded.Copies.BeginInAsync(new CopyIn { FromNode = "ship2", CopyId = 7, Path = "/p", TempPath = "/t", Size = 3, Chunks = 1, Sha256 = "s" }, CancellationToken.None);
        Assert.Equal((CopyStates.Receiving, 3L), (copy.State, copy.Size));
    }

    private static SqliteConnection Open(string folder)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "steward.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>Every table's columns (name, type, not null, primary key) and every index, in name order.</summary>
    private static async Task<List<string>> ShapeAsync(string folder)
    {
        await using var db = Open(folder);
        await using var read = db.CreateCommand();
        read.CommandText = """
            SELECT m.name || '.' || c.name || ' ' || c.type || ' ' || c."notnull" || ' ' || c.pk FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table'
            UNION ALL SELECT 'index ' || name || ' on ' || tbl_name FROM sqlite_master WHERE type = 'index'
            """;
        var shape = new List<string>();
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync()) shape.Add(reader.GetString(0));
        shape.Sort(StringComparer.Ordinal);
        return shape;
    }
}
