using System.Globalization;
using System.Text;
using Steward.Core.Node;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQOpCancel</c>: stops the method running here for the sender's message whose id is <c>methodArgs[0]</c>; the whole
/// process tree of a command is killed.
/// </summary>
internal sealed class OpCancelHandler(CancellationRegistry<(string, long)> runningMethods, NodeStore store) : IMethodHandler
{
    public string Method => Methods.OpCancel;

    public string? Refusal(Message message) => (TargetId(message), message.AskedBy().Id) switch
    {
        (null, _) => "REQOpCancel needs the id of the message to cancel as methodArgs[0]",
        // Ids grow with each message a node sends: a cancel names an earlier one, never one still to come.
        (var id, var own) when id >= own => $"REQOpCancel {own} names message {id}, which its sender has not sent before it",
        _ => null,
    };

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var id = TargetId(message)!.Value;
        var sender = message.AskedBy().Node;   // only the sender's own messages, also when a relay forwarded the cancel
        if (runningMethods.TryCancel((sender, id)))
            return new HandlerResult(Encoding.UTF8.GetBytes($"cancelled {id}"));
        // Not here yet (or long done): remember it as finished, so the message is ACKed but never run when it comes.
        var tombstone = new Message { FromNode = sender, Id = id, Method = Methods.OpCancel };
        if (await store.AddInboundAsync(tombstone, ct).ConfigureAwait(false)) await store.FinishInboundAsync(tombstone, ct).ConfigureAwait(false);
        return new HandlerResult(Encoding.UTF8.GetBytes($"message {id} is not running; it will not run"));
    }

    private static long? TargetId(Message message) =>
        message.MethodArgs is [var arg, ..] && long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
