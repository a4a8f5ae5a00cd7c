using Steward.Core.State;
using Steward.Gateway.Hosting;

namespace Steward.Gateway.Messages;

/// <summary>A message's stream ends once the message is final: every state change is stored as a state event.</summary>
internal sealed class MessageEnd(IOperatorQueries queries, long id) : StreamEnd<MessageEvent>
{
    public override async Task<bool> IsOverAsync(CancellationToken ct) =>
        await queries.FindOutboundAsync(id, ct) is { } row && MessageStates.IsFinal(row.State);

    public override bool EndsWith(MessageEvent item) => IsFinalState(item);

    internal static bool IsFinalState(MessageEvent e) => e.Kind == EventKinds.State && e.State is { } state && MessageStates.IsFinal(state);
}

/// <summary>A batch's stream ends once every message of the batch is final.</summary>
internal sealed class BatchEnd(IOperatorQueries queries, long batchId) : StreamEnd<MessageEvent>
{
    private HashSet<long> _open = [];

    public override async Task<bool> IsOverAsync(CancellationToken ct)
    {
        _open = (await queries.BatchAsync(batchId, ct)).Where(m => !MessageStates.IsFinal(m.State)).Select(m => m.Id).ToHashSet();
        return _open.Count == 0;
    }

    public override bool EndsWith(MessageEvent item) => MessageEnd.IsFinalState(item) && _open.Remove(item.MessageId) && _open.Count == 0;
}
