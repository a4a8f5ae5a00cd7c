using System.Text;

namespace Steward.Core.Handlers;

/// <summary>
/// Collects output lines for a streaming method and hands them out in batches: every ~100 ms, or at once when 64 KiB
/// have piled up, so a chatty command neither floods the broker nor makes the operator wait. When emitting is slower
/// than the command writes, <see cref="Add"/> waits once <see cref="MaxPendingBytes"/> are pending: the reader stops,
/// the pipe fills, and the OS pauses the command, so memory stays bounded however long it runs.
/// </summary>
internal sealed class OutputBatch(TimeProvider time)
{
    public const int MaxBytes = 64 * 1024;
    public const int MaxPendingBytes = 4 * MaxBytes;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly StringBuilder _lines = new();
    private int _pendingBytes;
    private bool _closed;
    private TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The most UTF-8 bytes that were pending at once: at most <see cref="MaxPendingBytes"/>.</summary>
    public int PeakPendingBytes { get; private set; }

    /// <summary>Completes when <see cref="Add"/> waits for the pending lines to be emitted (since they were last taken).</summary>
    public Task Paused
    {
        get { lock (_lines) return _paused.Task; }
    }

    /// <summary>Adds a line; waits first while it would take the pending bytes over <see cref="MaxPendingBytes"/>.</summary>
    public async ValueTask Add(string line)
    {
        var bytes = Encoding.UTF8.GetByteCount(line) + 1;
        while (true)
        {
            Task taken;
            lock (_lines)
            {
                if (_closed) return;   // nobody emits any more
                if (_pendingBytes == 0 || _pendingBytes + bytes <= MaxPendingBytes)
                {
                    _lines.Append(line).Append('\n');
                    _pendingBytes += bytes;
                    PeakPendingBytes = Math.Max(PeakPendingBytes, _pendingBytes);
                    if (_pendingBytes >= MaxBytes) _full.TrySetResult();
                    return;
                }
                _full.TrySetResult();
                _paused.TrySetResult();
                taken = _taken.Task;
            }
            await taken.ConfigureAwait(false);
        }
    }

    /// <summary>Emits batches until <paramref name="producer"/> ends; returns what was left after the last batch.</summary>
    public async Task<byte[]> PumpAsync(Task producer, Func<byte[], Task> emit)
    {
        try
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
        finally
        {
            Close();
        }
    }

    private byte[] Take()
    {
        lock (_lines)
        {
            var text = _lines.ToString();
            _lines.Clear();
            _pendingBytes = 0;
            if (_full.Task.IsCompleted) _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_paused.Task.IsCompleted) _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _taken.TrySetResult();
            _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return Encoding.UTF8.GetBytes(text);
        }
    }

    /// <summary>After the last batch (or a failed emit): a waiting producer goes on, and later lines are dropped.</summary>
    private void Close()
    {
        lock (_lines)
        {
            _closed = true;
            _taken.TrySetResult();
        }
    }
}
