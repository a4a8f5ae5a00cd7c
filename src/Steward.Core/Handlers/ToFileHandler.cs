using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQToFile</c>: writes <c>data</c> to <c>&lt;data&gt;/data/&lt;directory&gt;/&lt;fromNode&gt;/&lt;fileName&gt;</c>,
/// replacing it; the later parts of a reply too large for one message are appended, so the file holds the whole reply.
/// </summary>
internal sealed class ToFileHandler(NodeFiles files) : IMethodHandler
{
    public string Method => Methods.ToFile;

    public string? Refusal(Message message) => files.Problem(NodeFiles.ResultPath(message));

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        await files.WriteAsync(NodeFiles.ResultPath(message), message.Data ?? [], append: message.ReplyPart > 0, ct).ConfigureAwait(false);
        return HandlerResult.Empty;
    }
}
