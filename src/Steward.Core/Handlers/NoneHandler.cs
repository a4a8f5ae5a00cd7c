using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary><c>REQNone</c>: does nothing and sends no reply; useful to check that a node receives.</summary>
internal sealed class NoneHandler : IMethodHandler
{
    public string Method => Methods.None;

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct) => Task.FromResult(HandlerResult.Empty);
}
