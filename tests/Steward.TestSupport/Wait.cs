using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.TestSupport;

/// <summary>Waits for what an operator would look at: a message's state in the sending node's database.</summary>
public static class Wait
{
    public static async Task<OutboundMessage> ForStateAsync(NodeRuntime node, long id, string state, TimeSpan? timeout = null)
    {
        OutboundMessage? row = null;
        try
        {
            await Until.TrueAsync($"message {id} on {node.NodeName} is {state}", async () =>
                (row = await node.Queries.FindOutboundAsync(id, CancellationToken.None))?.State == state, timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; it is {row?.State ?? "not stored"} ({row?.LastError})", e);
        }
        return row!;
    }

    public static Task ForCountAsync(NodeRuntime node, string state, int count, TimeSpan? timeout = null) =>
        Until.TrueAsync($"{count} messages on {node.NodeName} are {state}", async () =>
            await node.Store.Queries.CountInStateAsync(state, CancellationToken.None) >= count, timeout);
}
