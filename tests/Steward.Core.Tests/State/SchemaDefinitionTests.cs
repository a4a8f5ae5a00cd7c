using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.State;

namespace Steward.Core.Tests.State;

/// <summary>
/// The schema is defined once, as SQL (<see cref="Schema"/>): the node runtime creates files from it and reads them with
/// plain SQLite commands, while EF Core's model (<see cref="StewardDb"/>) maps onto the same tables for the gateway's
/// queries. These tests fail when the two disagree, or when an upgraded file differs from a new one.
/// </summary>
public sealed class SchemaDefinitionTests
{
    [Fact]
    public void EF_Cores_model_describes_exactly_the_tables_the_SQL_schema_creates()
    {
        var folder = Directory.CreateTempSubdirectory("steward-schema-").FullName;
        var fromSql = Path.Combine(folder, "sql.db");
        SqliteFile.Create(fromSql);
        var fromEf = Path.Combine(folder, "ef.db");
        using (var db = new StewardDb(new DbContextOptionsBuilder<StewardDb>().UseSqlite($"Data Source={fromEf};Pooling=False").Options))
            Execute(fromEf, db.Database.GenerateCreateScript());

        Assert.Equal(Shape(fromEf), Shape(fromSql));
    }

    [Fact]
    public async Task A_file_upgraded_from_version_4_has_the_shape_of_a_new_one()
    {
        var upgradedFolder = Directory.CreateTempSubdirectory("steward-schema-").FullName;
        var upgraded = Path.Combine(upgradedFolder, "steward.db");
        SqliteFile.Create(upgraded);
        // The file as version 4 left it: without the columns and tables added since.
        Execute(upgraded, """
            ALTER TABLE "Inbound" DROP COLUMN "AppendFrom"; ALTER TABLE "Nodes" DROP COLUMN "Labels"; ALTER TABLE "Nodes" DROP COLUMN "Metrics";
            ALTER TABLE "Outbound" DROP COLUMN "Wave"; ALTER TABLE "Outbound" DROP COLUMN "ExitCode"; ALTER TABLE "Events" DROP COLUMN "Wave";
            DROP TABLE "NodeLabels"; DROP TABLE "Batches";
            DROP TABLE "CopiesIn"; DROP TABLE "CopiesOut"; DROP TABLE "CopyInChunks"; DROP TABLE "CopyOutChunks"; PRAGMA user_version=4;
            """);
        await using (new NodeStore(upgradedFolder, "FULL", TimeProvider.System, NullLogger.Instance)) { }
        var fresh = Path.Combine(Directory.CreateTempSubdirectory("steward-schema-").FullName, "steward.db");
        SqliteFile.Create(fresh);

        Assert.Equal(Shape(fresh), Shape(upgraded));
        using var connection = Open(upgraded);
        Assert.Equal([$"{SqliteFile.SchemaVersion}"], Rows(connection, "SELECT CAST(user_version AS TEXT) FROM pragma_user_version"));
    }

    /// <summary>
    /// What a file's schema means, one line per table, column and index: names, declared types, NOT NULL, keys,
    /// AUTOINCREMENT, index columns and uniqueness; not how the DDL was spelled.
    /// </summary>
    private static List<string> Shape(string path)
    {
        using var connection = Open(path);
        var shape = Rows(connection, """
            SELECT 'table ' || m.name || (CASE WHEN m.sql LIKE '%AUTOINCREMENT%' THEN ' autoincrement' ELSE '' END)
              || ': ' || c.cid || ' ' || c.name || ' ' || c.type || (CASE WHEN c."notnull" THEN ' not null' ELSE '' END)
              || ' pk' || c.pk || ' default ' || coalesce(c.dflt_value, 'none')
            FROM sqlite_master m, pragma_table_info(m.name) c
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid
            """);
        shape.AddRange(Rows(connection, """
            SELECT 'index ' || i.name || ' on ' || m.name || (CASE WHEN i."unique" THEN ' unique' ELSE '' END) || ' ' || i.origin || ': '
              || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(i.name) ORDER BY seqno))
            FROM sqlite_master m, pragma_index_list(m.name) i
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, i.name
            """));
        return shape;
    }

    private static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static void Execute(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }
}
