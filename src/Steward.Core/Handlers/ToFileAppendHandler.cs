using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Handlers;

/// <summary><c>REQToFileAppend</c>: appends <c>data</c> to <c>&lt;data&gt;/data/&lt;directory&gt;/&lt;fromNode&gt;/&lt;fileName&gt;</c>.</summary>
internal sealed class ToFileAppendHandler(NodeContext node, FileWriteLocks locks) : IMethodHandler
{
    public string Method => Methods.ToFileAppend;

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var path = SafeFile.Resolve(node.FilesFolder, message.Directory, message.FromNode, FileNames.For(message));
        using var writing = await locks.AcquireAsync(path, ct).ConfigureAwait(false);
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(message.Data ?? [], ct).ConfigureAwait(false);
        }
        return HandlerResult.Empty;
    }
}
