using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Delivery;

[Collection(BrokerCollection.Name)]
public sealed class RelayTests(NatsServerFixture broker)
{
    private readonly RunCounter _runs = new();

    [Fact]
    public async Task A_message_relayed_through_central_runs_on_ship2_and_its_reply_is_handled_on_ship1_and_kept_on_central()
    {
        await using var central = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var ship1 = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        await using var ship2 = await TestNode.StartAsync(broker.Url, Names.Next("ship"));

        var id = (await ship1.Outbox.AcceptAsync(new Message
        {
            ToNode = ship2.NodeName, RelayViaNode = central.NodeName, Method = Methods.CliCommand, MethodArgs = _runs.Command("relayed"),
            RelayReplyMethod = Methods.ToFile, Directory = "relay", FileName = "answer.txt",
        }))[0];

        await Wait.ForStateAsync(ship1, id, MessageStates.Done, TimeSpan.FromSeconds(30));
        Assert.Equal(["relayed"], _runs.Lines);
        Assert.Equal("relayed\n", await File.ReadAllTextAsync(Path.Combine(ship1.Context.FilesFolder, "relay", central.NodeName, "answer.txt")));
        var copy = Path.Combine(central.Context.FilesFolder, "relay", ship2.NodeName, "answer.txt");
        await Until.TrueAsync("central kept a copy", () => File.Exists(copy));
        Assert.Equal("relayed\n", await File.ReadAllTextAsync(copy));
        var events = await ship1.Store.Queries.EventsAsync(id, 0, CancellationToken.None);
        Assert.Equal("relayed\n", Assert.Single(events, e => e.Kind == EventKinds.Reply).Output);
    }

    [Fact]
    public async Task When_the_far_node_never_answers_the_relayed_message_fails_on_its_origin_with_the_reason()
    {
        await using var central = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var ship1 = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        var ghost = Names.Next("ghost");

        var id = (await ship1.Outbox.AcceptAsync(new Message
        {
            ToNode = ghost, RelayViaNode = central.NodeName, Method = Methods.CliCommand, MethodArgs = ["true"], AckTimeout = 1, Retries = 1, RetryWait = 1,
        }))[0];

        var row = await Wait.ForStateAsync(ship1, id, MessageStates.Failed, TimeSpan.FromSeconds(30));
        Assert.Contains($"toNode: {ghost}, fromNode: {central.NodeName}, method: REQCliCommand: max retries reached", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_cannot_answer_a_message_that_was_not_sent_to_it_the_reply_is_rejected()
    {
        await using var central = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var intruder = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        var id = (await central.Outbox.AcceptAsync(new Message { ToNode = Names.Next("ghost"), Method = Methods.CliCommand, MethodArgs = ["true"], Retries = 50 }))[0];

        var fake = (await intruder.Outbox.AcceptAsync(new Message
        {
            ToNode = central.NodeName, Method = Methods.None, IsReply = true, ReplyLast = true, Data = "forged"u8.ToArray(),
            PreviousMessage = new Message { FromNode = central.NodeName, Id = id, ToNode = "ghost", Method = Methods.CliCommand },
        }))[0];

        await Wait.ForStateAsync(intruder, fake, MessageStates.Rejected);
        Assert.Contains("may answer message", (await intruder.Store.Queries.FindOutboundAsync(fake, CancellationToken.None))!.LastError);
        var events = await central.Store.Queries.EventsAsync(id, 0, CancellationToken.None);
        Assert.DoesNotContain(events, e => e.Kind == EventKinds.Reply);
        Assert.NotEqual(MessageStates.Done, (await central.Store.Queries.FindOutboundAsync(id, CancellationToken.None))!.State);
    }

    [Fact]
    public void RerunOnRestart_goes_to_the_far_node_and_the_relay_hop_is_forwarded_after_a_restart_of_the_relay()
    {
        var original = new Message { ToNode = "ship2", RelayViaNode = "central", Method = Methods.CliCommand, MethodArgs = ["true"], RerunOnRestart = false };

        var hop = Steward.Core.Relay.RelayPolicy.Wrap(original);

        Assert.Null(hop.RerunOnRestart);
        Assert.False(Steward.Core.Relay.RelayPolicy.Unwrap(hop)!.RerunOnRestart);
    }
}
