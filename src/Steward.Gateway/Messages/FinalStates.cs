using Steward.Core.State;
using Steward.Gateway.Hosting;

namespace Steward.Gateway.Messages;

/// <summary>
/// A message's stream ends once the message is final: every state change is stored as a state event. The first answer is
/// the row the endpoint read to find the message (<paramref name="startedFinal"/>), one read less per stream: read before
/// the stream subscribed, it may miss an end committed in between, which the history read after subscribing then holds.
/// </summary>
internal sealed class MessageEnd(IOperatorQueries queries, long id, bool startedFinal) : StreamEnd<MessageEvent>
{
    private bool _asked;

    public override async Task<bool> IsOverAsync(CancellationToken ct)
    {
        if (!_asked)
        {
            _asked = true;
            return startedFinal;
        }
        return await queries.FindOutboundAsync(id, ct) is { } row && MessageStates.IsFinal(row.State);
    }

    public override bool EndsWith(MessageEvent item) => IsFinalState(item);

    internal static bool IsFinalState(MessageEvent e) => e.Kind == EventKinds.State && e.State is { } state && MessageStates.IsFinal(state);
}

/// <summary>A batch's stream ends once every message of the batch is final.</summary>
internal sealed class BatchEnd(IOperatorQueries queries, long batchId) : StreamEnd<MessageEvent>
{
    private HashSet<long> _open = [];

    public override async Task<bool> IsOverAsync(CancellationToken ct)
    {
        _open = (await queries.BatchOpenAsync(batchId, ct)).Open.ToHashSet();
        return _open.Count == 0;
    }

    public override bool EndsWith(MessageEvent item) => MessageEnd.IsFinalState(item) && _open.Remove(item.MessageId) && _open.Count == 0;
}
