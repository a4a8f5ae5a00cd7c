using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary><c>REQPong</c>: the answer to a ping; the sender records it on the ping's stream, nothing else is done.</summary>
internal sealed class PongHandler : IMethodHandler
{
    public string Method => Methods.Pong;

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct) => Task.FromResult(HandlerResult.Empty);
}
