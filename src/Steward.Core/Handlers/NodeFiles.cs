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

    public string? Problem(string?[] pathParts) => SafeFile.Problem(node.FilesFolder, pathParts);

    /// <summary>Where a file method puts a message's data: <c>&lt;directory&gt;/&lt;fromNode&gt;/&lt;fileName&gt;</c>.</summary>
    public static string?[] ResultPath(Messages.Message message) => [message.Directory, message.FromNode, FileNames.For(message)];
}
