using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary><c>REQToFileAppend</c>: appends <c>data</c> to <c>&lt;data&gt;/data/&lt;directory&gt;/&lt;fromNode&gt;/&lt;fileName&gt;</c>.</summary>
internal sealed class ToFileAppendHandler(NodeFiles files) : IMethodHandler
{
    public string Method => Methods.ToFileAppend;

    public string? Refusal(Message message) => files.Problem(NodeFiles.ResultPath(message));

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        await files.WriteAsync(NodeFiles.ResultPath(message), message.Data ?? [], append: true, ct).ConfigureAwait(false);
        return HandlerResult.Empty;
    }
}
