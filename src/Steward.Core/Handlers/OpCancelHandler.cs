using System.Globalization;
using System.Text;
using Steward.Core.Delivery;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQOpCancel</c>: stops the method running here for the sender's message whose id is <c>methodArgs[0]</c>; the whole
/// process tree of a command is killed.
/// </summary>
internal sealed class OpCancelHandler(CancellationRegistry<(string, long)> runningMethods) : IMethodHandler
{
    public string Method => Methods.OpCancel;

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        if (message.MethodArgs is not [var arg, ..] || !long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            throw new MessageRejectedException("REQOpCancel needs the id of the message to cancel as methodArgs[0]");
        var cancelled = runningMethods.TryCancel((message.FromNode!, id));
        return Task.FromResult(new HandlerResult(Encoding.UTF8.GetBytes(cancelled ? $"cancelled {id}" : $"message {id} is not running")));
    }
}
