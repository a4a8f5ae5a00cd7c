using Microsoft.Data.Sqlite;
using Steward.Core.State;

namespace Steward.Bench;

/// <summary>
/// (f) The disk's floor under a durable delivery: one small INSERT per transaction on a real file, on a writer opened
/// as a node opens its own (<see cref="SqliteFile.OpenWriter"/>: WAL, the given <c>synchronous</c> level), committed
/// as its write queue commits (a deferred transaction).
/// </summary>
internal sealed class SqliteCommit : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("steward-bench-sqlite-");
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;

    public SqliteCommit(string synchronous)
    {
        _connection = SqliteFile.OpenWriter(Path.Combine(_folder.FullName, "commit.db"), synchronous);
        using (var create = _connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE Rows (Id INTEGER PRIMARY KEY, Data BLOB NOT NULL)";
            create.ExecuteNonQuery();
        }
        _insert = _connection.CreateCommand();
        _insert.CommandText = "INSERT INTO Rows (Data) VALUES ($data)";
        _insert.Parameters.Add("$data", SqliteType.Blob);
    }

    public Task CommitAsync(byte[] payload)
    {
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        _insert.Parameters[0].Value = payload;
        _insert.ExecuteNonQuery();
        transaction.Commit();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
