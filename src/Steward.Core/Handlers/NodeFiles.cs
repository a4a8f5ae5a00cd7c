using System.Collections.Concurrent;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Core.Handlers;

/// <summary>
/// Writes into the node's files folder (<c>&lt;data&gt;/data</c>), never outside it, one writer at a time per file: .NET
/// does not open files with O_APPEND, so two concurrent appends could overwrite each other's bytes.
/// </summary>
internal sealed class NodeFiles(NodeContext node)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task WriteAsync(string?[] pathParts, ReadOnlyMemory<byte> data, bool append, CancellationToken ct)
    {
        var path = SafeFile.Resolve(node.FilesFolder, pathParts);
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var file = new FileStream(path, OwnerOnly.Write(append ? FileMode.Append : FileMode.Create, FileShare.Read));
            await using (file.ConfigureAwait(false))
                await file.WriteAsync(data, ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Appends <paramref name="data"/> once, across crashes: <paramref name="recordStart"/> commits where the append starts
    /// before a byte is written, and gives back the start an earlier run of the same message recorded, when a crash cut
    /// it short; what that run wrote there already is not written again.
    /// </summary>
    public async Task AppendOnceAsync(string?[] pathParts, ReadOnlyMemory<byte> data, Func<long, Task<long>> recordStart, CancellationToken ct)
    {
        var path = SafeFile.Resolve(node.FilesFolder, pathParts);
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var options = OwnerOnly.Write(FileMode.OpenOrCreate, FileShare.Read);
            options.Access = FileAccess.ReadWrite;
            var file = new FileStream(path, options);
            await using (file.ConfigureAwait(false))
            {
                var end = file.Length;
                var start = await recordStart(end).ConfigureAwait(false);
                var written = start < end ? await WrittenAlreadyAsync(file, start, end, data, ct).ConfigureAwait(false) : 0;
                file.Seek(end, SeekOrigin.Begin);
                await file.WriteAsync(data[written..], ct).ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// How much of <paramref name="data"/> an interrupted run wrote at <paramref name="start"/>: all of it, or its first
    /// part up to the end of the file; none when other bytes are there (it never began, and others appended since).
    /// </summary>
    private static async Task<int> WrittenAlreadyAsync(FileStream file, long start, long end, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var there = (int)Math.Min(end - start, data.Length);
        var buffer = new byte[there];
        file.Seek(start, SeekOrigin.Begin);
        await file.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        return buffer.AsSpan().SequenceEqual(data.Span[..there]) ? there : 0;
    }

    public string? Problem(string?[] pathParts) => SafeFile.Problem(node.FilesFolder, pathParts);

    /// <summary>Where a file method puts a message's data: <c>&lt;directory&gt;/&lt;fromNode&gt;/&lt;fileName&gt;</c>.</summary>
    public static string?[] ResultPath(Messages.Message message) => [message.Directory, message.FromNode, FileNames.For(message)];
}
