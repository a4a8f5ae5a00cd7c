using System.Globalization;
using System.Text;
using Steward.Core.Node;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQOpCancel</c>: stops the methods running here for the sender's messages whose ids are <c>methodArgs</c> (one, or
/// many when a queue was cleared); the whole process tree of a command is killed.
/// </summary>
internal sealed class OpCancelHandler(CancellationRegistry<(string, long)> runningMethods, NodeStore store) : IMethodHandler
{
    /// <summary>As many as one clear of a queue cancels at most.</summary>
    private const int MaxIds = Outbound.Outbox.MaxClearedAtOnce;

    public string Method => Methods.OpCancel;

    public string? Refusal(Message message)
    {
        if (TargetIds(message) is not { Count: > 0 and <= MaxIds } ids)
            return $"REQOpCancel needs the ids of the messages to cancel as methodArgs (1 to {MaxIds})";
        // Ids grow with each message a node sends: a cancel names earlier ones, never one still to come.
        var own = message.AskedBy().Id;
        return ids.FirstOrDefault(id => id >= own) is var later and > 0
            ? $"REQOpCancel {own} names message {later}, which its sender has not sent before it"
            : null;
    }

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var sender = message.AskedBy().Node;   // only the sender's own messages, also when a relay forwarded the cancel
        var lines = new StringBuilder();
        foreach (var id in TargetIds(message)!)
        {
            if (runningMethods.TryCancel((sender, id)))
            {
                lines.Append(CultureInfo.InvariantCulture, $"cancelled {id}\n");
                continue;
            }
            // Not here yet (or long done): remember it as finished, so the message is ACKed but never run when it comes.
            var tombstone = new Message { FromNode = sender, Id = id, Method = Methods.OpCancel };
            if (await store.AddInboundAsync(tombstone, ct).ConfigureAwait(false)) await store.FinishInboundAsync(tombstone, ct).ConfigureAwait(false);
            lines.Append(CultureInfo.InvariantCulture, $"message {id} is not running; it will not run\n");
        }
        return new HandlerResult(Encoding.UTF8.GetBytes(lines.ToString().TrimEnd('\n')));
    }

    private static List<long>? TargetIds(Message message)
    {
        var ids = new List<long>();
        foreach (var arg in message.MethodArgs ?? [])
        {
            if (!long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
            ids.Add(id);
        }
        return ids;
    }
}
