using System.Collections.Concurrent;

namespace Steward.Core.Handlers;

/// <summary>
/// One writer at a time per file on this node: .NET does not open files with O_APPEND, so two concurrent appends could
/// overwrite each other's bytes.
/// </summary>
internal sealed class FileWriteLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string path, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
