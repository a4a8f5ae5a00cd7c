using System.Collections.Concurrent;

namespace Steward.Core.State;

/// <summary>Wakes readers of a message's events once new ones are committed. Take the wait before reading, then no wake-up is lost.</summary>
public sealed class EventSignals
{
    /// <summary>The key for new entries of the error log (message ids are never 0).</summary>
    public const long ErrorLog = 0;

    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();

    public Task NextAsync(long messageId) =>
        _waiting.GetOrAdd(messageId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(long messageId)
    {
        if (_waiting.TryRemove(messageId, out var waiting)) waiting.TrySetResult();
    }
}
