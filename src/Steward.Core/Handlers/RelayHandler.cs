using Steward.Core.Messages;
using Steward.Core.Relay;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQRelay</c> on the relay node: sends the original message on to its <c>toNode</c> from here, in the same commit
/// that finishes the relay hop (store and forward). The rules are <see cref="RelayPolicy"/>'s.
/// </summary>
internal sealed class RelayHandler : IMethodHandler
{
    public string Method => Methods.Relay;

    public string? Refusal(Message message) => RelayPolicy.Refusal(message);

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct) =>
        Task.FromResult(new HandlerResult(null, Send: [RelayPolicy.Forward(message)]));
}
