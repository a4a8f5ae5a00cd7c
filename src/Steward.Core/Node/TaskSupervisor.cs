using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Steward.Core.Node;

/// <summary>
/// Owns every task a node starts for one message, so none is fire-and-forget: a crash ends only that task (and is logged),
/// and stopping the node cancels and awaits them all.
/// </summary>
internal sealed partial class TaskSupervisor(ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    public CancellationToken Stopping => _stopping.Token;

    public int Count => _running.Count;

    public void Run(string what, Func<CancellationToken, Task> work)
    {
        var task = Task.Run(() => SuperviseAsync(what, work));
        _running.TryAdd(task, true);
        task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task SuperviseAsync(string what, Func<CancellationToken, Task> work)
    {
        try
        {
            await work(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The node is stopping; the message's row resumes on the next start.
        }
#pragma warning disable CA1031 // supervision boundary: one message's crash must not stop anything else
        catch (Exception ex)
        {
            Log.Crashed(logger, ex, what);
        }
#pragma warning restore CA1031
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Error, "{What} crashed")]
        public static partial void Crashed(ILogger logger, Exception ex, string what);
    }
}
