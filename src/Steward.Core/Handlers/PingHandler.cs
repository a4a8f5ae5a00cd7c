using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Handlers;

/// <summary><c>REQPing</c>: answers at once with a <c>REQPong</c> reply naming this node: a liveness round trip.</summary>
internal sealed class PingHandler(NodeContext node, TimeProvider time) : IMethodHandler
{
    public string Method => Methods.Ping;

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct) =>
        Task.FromResult(new HandlerResult(Encoding.UTF8.GetBytes($"pong from {node.NodeName} at {time.GetUtcNow():O}")));
}
