using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Steward.Core.Node;

/// <summary>
/// Owns every task a node starts, so none is fire-and-forget. A message's task that crashes ends alone (and is
/// reported); a loop that crashes is restarted, at most <see cref="RestartBudget"/> times a minute (akka's one-for-one);
/// stopping the node cancels and awaits them all.
/// </summary>
internal sealed partial class TaskSupervisor(TimeProvider time, ILogger logger) : IAsyncDisposable
{
    public const int RestartBudget = 3;
    private static readonly TimeSpan BudgetWindow = TimeSpan.FromMinutes(1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    // Bounded: a crash storm keeps the latest reports, never grows memory.
    private readonly Channel<(string What, string Text)> _crashes = Channel.CreateBounded<(string, string)>(
        new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>What crashed and a description, e.g. for central's error log; nothing while stopping.</summary>
    public ChannelReader<(string What, string Text)> Crashes => _crashes.Reader;

    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Runs one piece of work for one message; a crash ends only this task. The task is owned here: awaiting it is optional.</summary>
    public Task Run(string what, Func<CancellationToken, Task> work) => Track(Task.Run(() => SuperviseAsync(what, work)));

    /// <summary><see cref="Run"/> for a caller that does not wait for the work.</summary>
    public void Start(string what, Func<CancellationToken, Task> work) => Run(what, work);

    /// <summary>Runs a loop that should live as long as the node, restarting it when it crashes, within the budget.</summary>
    public void RunLoop(string what, Func<CancellationToken, Task> loop) => Track(Task.Run(async () =>
    {
        // Not in the span of whatever started it (a publisher starts in a request's): what the loop sends and starts
        // would otherwise join that trace.
        System.Diagnostics.Activity.Current = null;
        var crashes = new Queue<DateTimeOffset>();
        while (!_stopping.IsCancellationRequested && !await SuperviseAsync(what, loop).ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            crashes.Enqueue(now);
            while (crashes.Peek() < now - BudgetWindow) crashes.Dequeue();
            if (crashes.Count > RestartBudget)
            {
                Log.GaveUp(logger, what, RestartBudget);
                Report(what, $"{what} crashed more than {RestartBudget} times in a minute; it is stopped until the node restarts");
                return;
            }
            Log.Restarting(logger, what);
        }
    }));

    private Task Track(Task task)
    {
        _running.TryAdd(task, true);
        task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>Runs the work; true when it ended normally or because the node stops, false when it crashed.</summary>
    private async Task<bool> SuperviseAsync(string what, Func<CancellationToken, Task> work)
    {
        try
        {
            await work(_stopping.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return true;   // the node is stopping; unfinished rows resume on the next start
        }
        catch (ObjectDisposedException) when (_stopping.IsCancellationRequested)
        {
            return true;   // the node is stopping and closed what this work used (the broker connection)
        }
#pragma warning disable CA1031 // supervision boundary: one crash must not stop anything else
        catch (Exception ex)
        {
            Log.Crashed(logger, ex, what);
            Report(what, $"{what} crashed: {ex.GetType().Name}: {ex.Message}");
            return false;
        }
#pragma warning restore CA1031
    }

    private void Report(string what, string text)
    {
        if (!_stopping.IsCancellationRequested) _crashes.Writer.TryWrite((what, text));
    }

    /// <summary>Cancels every task without waiting, e.g. before closing what they use.</summary>
    public Task CancelAsync() => _stopping.CancelAsync();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        while (!_running.IsEmpty) await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Error, "{What} crashed")]
        public static partial void Crashed(ILogger logger, Exception ex, string what);

        [LoggerMessage(3002, LogLevel.Warning, "{What} restarting after a crash")]
        public static partial void Restarting(ILogger logger, string what);

        [LoggerMessage(3003, LogLevel.Error, "{What} crashed more than {Budget} times in a minute; not restarted")]
        public static partial void GaveUp(ILogger logger, string what, int budget);
    }
}
