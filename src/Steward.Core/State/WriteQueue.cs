using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Steward.Core.Telemetry;

namespace Steward.Core.State;

/// <summary>
/// Group commit: writes from many messages wait briefly in one queue and are saved in one transaction, so one fsync
/// covers many messages. Each caller's task completes only after the commit that holds its write.
/// </summary>
internal sealed partial class WriteQueue : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private const int SqliteConstraint = 19;
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new() { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly HotWrites _hot;
    private readonly EventFeed _feed;
    private readonly StewardMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public WriteQueue(SqliteConnection connection, TimeProvider time, EventFeed feed, StewardMetrics? metrics, ILogger logger)
    {
        _connection = connection;
        _feed = feed;
        _metrics = metrics;
        _hot = new HotWrites(connection, time);
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Runs <paramref name="apply"/> inside the batch's transaction; its result is handed back once committed. A write
    /// whose <paramref name="ct"/> fired before its batch began is not applied (the task is cancelled); once applied, it commits.
    /// </summary>
    public Task<T> EnqueueAsync<T>(Func<HotWrites, T> apply, CancellationToken ct = default)
    {
        var write = new Write<T>(apply, ct);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);
        return write.Completion.Task;
    }

    public Task EnqueueAsync(Action<HotWrites> apply, CancellationToken ct = default) => EnqueueAsync<bool>(hot => { apply(hot); return true; }, ct);

    private async Task RunAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write)) batch.Add(write);
            Commit(batch);
            batch.Clear();
        }
    }

    private void Commit(List<Write> batch)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            using var transaction = _connection.BeginTransaction();
            _hot.Begin(transaction);
            foreach (var write in batch) write.Apply(_hot);
            _hot.SaveIds();
            transaction.Commit();
            _metrics?.Committed(_hot.Written, Stopwatch.GetElapsedTime(started));
            // Here, on the one writer, in commit order and before any caller hears of its write: a stream that
            // subscribed before reading the database gets every event either from that read or from here.
            _feed.Publish(_hot.Written);
            foreach (var write in batch) write.Commit();
        }
        catch (SqliteException e) when (batch.Count > 1 && e.SqliteErrorCode == SqliteConstraint)
        {
            // One bad write must not fail its neighbours: commit them one by one. Only for a write's own fault: a busy or
            // full disk would fail each of them again, one timeout at a time.
            foreach (var write in batch) Commit([write]);
        }
#pragma warning disable CA1031 // supervision boundary: the failure goes to the caller of the write, not up the writer loop
        catch (Exception ex)
        {
            Log.CommitFailed(_logger, ex, batch.Count);
            foreach (var write in batch) write.Fail(ex);
        }
#pragma warning restore CA1031
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _hot.Dispose();
    }

    private abstract class Write
    {
        public abstract void Apply(HotWrites hot);
        public abstract void Commit();
        public abstract void Fail(Exception ex);
    }

    private sealed class Write<T>(Func<HotWrites, T> apply, CancellationToken ct) : Write
    {
        private T? _result;
        private bool _skipped;
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Apply(HotWrites hot)
        {
            _skipped = ct.IsCancellationRequested;
            if (!_skipped) _result = apply(hot);
        }

        public override void Commit()
        {
            if (_skipped) Completion.TrySetCanceled(ct);
            else Completion.TrySetResult(_result!);
        }

        public override void Fail(Exception ex) => Completion.TrySetException(ex);
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Error, "Commit of {Count} write(s) to the node database failed")]
        public static partial void CommitFailed(ILogger logger, Exception ex, int count);
    }
}
