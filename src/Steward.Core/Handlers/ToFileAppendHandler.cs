using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQToFileAppend</c>: appends <c>data</c> to <c>&lt;data&gt;/data/&lt;directory&gt;/&lt;fromNode&gt;/&lt;fileName&gt;</c>,
/// once even when a crash makes the message run again (<paramref name="startAppend"/> records where it starts first).
/// </summary>
internal sealed class ToFileAppendHandler(NodeFiles files, Func<Message, long, CancellationToken, Task<long>> startAppend) : IMethodHandler
{
    public string Method => Methods.ToFileAppend;

    public string? Refusal(Message message) => files.Problem(NodeFiles.ResultPath(message));

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        await files.AppendOnceAsync(NodeFiles.ResultPath(message), message.Data ?? [], offset => startAppend(message, offset, ct), ct).ConfigureAwait(false);
        return HandlerResult.Empty;
    }
}
