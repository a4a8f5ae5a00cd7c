using System.Text;

namespace Steward.Core.Handlers;

/// <summary>
/// Collects output lines for a streaming method and hands them out in batches: every ~100 ms, or at once when 64 KiB
/// have piled up, so a chatty command neither floods the broker nor makes the operator wait.
/// </summary>
internal sealed class OutputBatch(TimeProvider time)
{
    public const int MaxBytes = 64 * 1024;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly StringBuilder _lines = new();
    private TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Append(line).Append('\n');
            if (_lines.Length >= MaxBytes) _full.TrySetResult();
        }
    }

    /// <summary>Emits batches until <paramref name="producer"/> ends; returns what was left after the last batch.</summary>
    public async Task<byte[]> PumpAsync(Task producer, Func<byte[], Task> emit)
    {
        while (!producer.IsCompleted)
        {
            Task full;
            lock (_lines) full = _full.Task;
            await Task.WhenAny(producer, full, Task.Delay(Interval, time)).ConfigureAwait(false);
            if (!producer.IsCompleted && Take() is { Length: > 0 } batch) await emit(batch).ConfigureAwait(false);
        }
        return Take();
    }

    private byte[] Take()
    {
        lock (_lines)
        {
            var text = _lines.ToString();
            _lines.Clear();
            if (_full.Task.IsCompleted) _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return Encoding.UTF8.GetBytes(text);
        }
    }
}
