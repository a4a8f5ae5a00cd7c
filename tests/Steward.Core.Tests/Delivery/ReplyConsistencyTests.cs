using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Delivery;

/// <summary>What an operator sees of a reply when central stops at the worst moment, or never hears the reply at all.</summary>
[Collection(BrokerCollection.Name)]
public sealed class ReplyConsistencyTests(NatsServerFixture broker)
{
    /// <summary>A reply method that starts and never ends: central stops while the reply handler runs.</summary>
    private sealed class StuckReplyHandler : IMethodHandler
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Method => Methods.ToFileAppend;

        public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return HandlerResult.Empty;
        }
    }

    [Fact]
    public async Task A_reply_whose_handler_was_cut_off_is_recorded_once_and_its_message_ends_done_after_the_restart()
    {
        var central = Names.Next("central");
        var folder = Directory.CreateTempSubdirectory("steward-central-").FullName;
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        var stuck = new StuckReplyHandler();
        long id;
        await using (var first = await TestNode.StartAsync(broker.Url, central, o => o.DataFolder = folder, [stuck]))
        {
            id = (await first.Outbox.AcceptAsync(new Message { ToNode = ship.NodeName, Method = Methods.CliCommand, MethodArgs = ["echo", "once"] }))[0];
            await stuck.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }   // stopped while the reply handler ran: what it committed is what a kill -9 at this point leaves

        await using var again = await TestNode.StartAsync(broker.Url, central, o => o.DataFolder = folder);

        await Wait.ForStateAsync(again, id, MessageStates.Done, TimeSpan.FromSeconds(30));
        var events = await again.Queries.EventsAsync(id, 0, CancellationToken.None);
        Assert.Equal("once\n", Assert.Single(events, e => e.Kind == EventKinds.Reply).Output);
        Assert.Equal(["queued", "sent", "acked", "replied", "done"], events.Where(e => e.Kind == EventKinds.State).Select(e => e.State));
        Assert.Equal("once\n", await File.ReadAllTextAsync(Path.Combine(again.Context.FilesFolder, ship.NodeName, "REQCliCommand.log")));
    }

    [Fact]
    public async Task A_reply_the_node_gave_up_on_fails_the_original_message_on_central_with_the_reason()
    {
        var central = Names.Next("central");
        var folder = Directory.CreateTempSubdirectory("steward-central-").FullName;
        var gate = Path.Combine(Directory.CreateTempSubdirectory("steward-gate-").FullName, "open");
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o =>
        {
            o.DefaultAckTimeoutSeconds = 1;   // the report of the given-up reply comes quickly once central is back
            o.DefaultRetryWaitSeconds = 1;
        });
        long id;
        await using (var first = await TestNode.StartAsync(broker.Url, central, o => o.DataFolder = folder))
        {
            id = (await first.Outbox.AcceptAsync(new Message
            {
                ToNode = ship.NodeName, Method = Methods.CliCommand, MethodArgs = ["sh", "-c", $"while [ ! -e '{gate}' ]; do sleep 0.1; done; echo late"],
                MethodTimeout = 60, ReplyACKTimeout = 1, ReplyRetries = 1, RetryWait = 1,
            }))[0];
            await Wait.ForStateAsync(first, id, MessageStates.Acked, TimeSpan.FromSeconds(30));
        }   // central is down while the command finishes
        await File.WriteAllTextAsync(gate, "");
        await Until.TrueAsync("ship gave up on the reply", async () =>
            (await ship.Queries.ListOutboundAsync(central, MessageStates.Failed, Methods.ToFileAppend, null, 10, CancellationToken.None)).Count == 1,
            TimeSpan.FromSeconds(30));

        await using var again = await TestNode.StartAsync(broker.Url, central, o => o.DataFolder = folder);

        var row = await Wait.ForStateAsync(again, id, MessageStates.Failed, TimeSpan.FromSeconds(30));
        Assert.Contains("the reply could not be delivered", row.LastError, StringComparison.Ordinal);
        Assert.Contains("max retries reached", row.LastError, StringComparison.Ordinal);
    }
}
