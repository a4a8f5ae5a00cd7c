using System.Globalization;
using Steward.Core.Delivery;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Node;

public enum CancelOutcome { NotFound, AlreadyFinal, Cancelled }

/// <summary>
/// Cancels an outbound message: stops its retries, and when it may already have reached its node, asks that node with
/// <c>REQOpCancel</c> to stop the running method.
/// </summary>
internal sealed class MessageCanceller(NodeStore store, CancellationRegistry<long> deliveries, MessageIntake intake)
{
    public async Task<CancelOutcome> CancelAsync(long id, CancellationToken ct)
    {
        if (await store.Queries.FindOutboundAsync(id, ct).ConfigureAwait(false) is not { } row) return CancelOutcome.NotFound;
        if (MessageStates.IsFinal(row.State)) return CancelOutcome.AlreadyFinal;
        if (!await store.SetStateAsync(id, MessageStates.Cancelled, error: "cancelled by the operator").ConfigureAwait(false))
            return CancelOutcome.AlreadyFinal;   // it ended between the read and the write
        var delivering = row.State is MessageStates.Queued or MessageStates.Sent or MessageStates.Retrying;
        var deliveryWasRunning = delivering && deliveries.TryCancel(id, orWhenItStarts: true);
        var neverSent = row.State == MessageStates.Queued && !deliveryWasRunning;   // still waiting in its publisher
        if (!neverSent)
        {
            // It may be on the node already, or arrive there later: the node stops it, or remembers not to run it.
            await intake.AcceptAsync(new Message
            {
                ToNode = row.ToNode, Method = Methods.OpCancel, MethodArgs = [id.ToString(CultureInfo.InvariantCulture)], ReplyMethod = Methods.None,
            }).ConfigureAwait(false);
        }
        return CancelOutcome.Cancelled;
    }
}
