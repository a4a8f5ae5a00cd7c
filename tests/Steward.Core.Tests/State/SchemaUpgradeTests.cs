using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Tests.State;

public sealed class SchemaUpgradeTests
{
    [Fact]
    public async Task A_file_of_the_previous_schema_is_upgraded_in_place_and_keeps_its_duplicate_memory()
    {
        var folder = Directory.CreateTempSubdirectory("steward-upgrade-").FullName;
        var received = new Message { FromNode = "central", ToNode = "ship1", Id = 42, Method = Methods.None };
        await using (var store = new NodeStore(folder, "FULL", TimeProvider.System, NullLogger.Instance))
            Assert.True(await store.AddInboundAsync(received));
        // The file as version 4 left it: without the columns and tables added since.
        await using (var old = new SqliteConnection($"Data Source={Path.Combine(folder, "steward.db")};Pooling=False"))
        {
            await old.OpenAsync();
            await using var downgrade = old.CreateCommand();
            downgrade.CommandText = """
                ALTER TABLE "Inbound" DROP COLUMN "AppendFrom"; ALTER TABLE "Nodes" DROP COLUMN "Labels";
                DROP TABLE "CopiesIn"; DROP TABLE "CopiesOut"; DROP TABLE "CopyInChunks"; DROP TABLE "CopyOutChunks"; PRAGMA user_version=4;
                """;
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var upgraded = new NodeStore(folder, "FULL", TimeProvider.System, NullLogger.Instance);

        Assert.False(await upgraded.AddInboundAsync(received));   // still remembered: a resend does not run twice
        Assert.Equal(5L, await upgraded.StartAppendAsync(received, 5, CancellationToken.None));
        // The copies' tables the upgrade made are the ones EF Core reads.
        var copy = await upgraded.Copies.BeginInAsync(new CopyIn { FromNode = "ship2", CopyId = 7, Path = "/p", TempPath = "/t", Size = 3, Chunks = 1, Sha256 = "s" }, CancellationToken.None);
        Assert.Equal((CopyStates.Receiving, 3L), (copy.State, copy.Size));
    }
}
