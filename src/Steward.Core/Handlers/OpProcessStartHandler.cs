using System.Text;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary><c>REQOpProcessStart</c>: serves the method in <c>methodArgs[0]</c> again after a <c>REQOpProcessStop</c>.</summary>
internal sealed class OpProcessStartHandler(MethodSwitch methods) : IMethodHandler
{
    public string Method => Methods.OpProcessStart;

    public string? Refusal(Message message) => methods.Problem(message);

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        methods.Start(message.MethodArgs![0]);
        return Task.FromResult(new HandlerResult(Encoding.UTF8.GetBytes($"started {message.MethodArgs[0]}")));
    }
}
