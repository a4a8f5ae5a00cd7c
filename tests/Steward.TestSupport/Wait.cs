using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.TestSupport;

/// <summary>Waits for what an operator would look at: a message's state in the sending node's database.</summary>
public static class Wait
{
    public static async Task<OutboundMessage> ForStateAsync(NodeRuntime node, long id, string state, TimeSpan? timeout = null)
    {
        OutboundMessage? row = null;
        await Until.TrueAsync($"message {id} on {node.NodeName} is {state} (it is {row?.State})", async () =>
            (row = await node.Store.Queries.FindOutboundAsync(id, CancellationToken.None))?.State == state, timeout);
        return row!;
    }

    public static Task ForCountAsync(NodeRuntime node, string state, int count, TimeSpan? timeout = null) =>
        Until.TrueAsync($"{count} messages on {node.NodeName} are {state}", async () =>
            await node.Store.Queries.CountInStateAsync(state, CancellationToken.None) >= count, timeout);
}
