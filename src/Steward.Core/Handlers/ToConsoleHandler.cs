using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary><c>REQToConsole</c>: prints <c>data</c> to the node's standard output.</summary>
internal sealed class ToConsoleHandler(TextWriter console) : IMethodHandler
{
    public string Method => Methods.ToConsole;

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var text = System.Text.Encoding.UTF8.GetString(message.Data ?? []);
        await console.WriteAsync(text.EndsWith('\n') ? text : text + "\n").ConfigureAwait(false);
        await console.FlushAsync(ct).ConfigureAwait(false);
        return HandlerResult.Empty;
    }
}
