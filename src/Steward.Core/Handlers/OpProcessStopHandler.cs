using System.Text;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary><c>REQOpProcessStop</c>: stops serving the method in <c>methodArgs[0]</c>; its messages are rejected until started.</summary>
internal sealed class OpProcessStopHandler(MethodSwitch methods) : IMethodHandler
{
    public string Method => Methods.OpProcessStop;

    public string? Refusal(Message message) => methods.Problem(message);

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        methods.Stop(message.MethodArgs![0]);
        return Task.FromResult(new HandlerResult(Encoding.UTF8.GetBytes($"stopped {message.MethodArgs[0]}")));
    }
}
