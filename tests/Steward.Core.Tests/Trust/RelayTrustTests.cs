using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>A relayed message is judged by who first sent it, whatever node forwards it, and a relay cannot change it.</summary>
[Collection(BrokerCollection.Name)]
public sealed class RelayTrustTests(NatsServerFixture broker)
{
    private readonly RunCounter _runs = new();

    private Task<NodeRuntime> StartAsync(string name, string central, Action<StewardOptions>? more = null) =>
        TestNode.StartAsync(broker.Url, name, o =>
        {
            (o.CentralNodeName, o.Allow) = (central, []);
            more?.Invoke(o);
        });

    [Fact]
    public async Task A_command_ship1_relays_through_central_runs_under_ship1s_rules_on_ship2_not_centrals()
    {
        var centralName = Names.Next("central");
        var ship1Name = Names.Next("ship");
        await using var central = await StartAsync(centralName, centralName, o => o.Allow[ship1Name] = [Methods.Relay]);
        await using var ship1 = await StartAsync(ship1Name, centralName);
        await using var ship2 = await StartAsync(Names.Next("ship"), centralName);

        var id = (await ship1.Outbox.AcceptAsync(new Message
        {
            ToNode = ship2.NodeName, RelayViaNode = centralName, Method = Methods.CliCommand, MethodArgs = _runs.Command("relayed"),
        }))[0];

        var row = await Wait.ForStateAsync(ship1, id, "failed", TimeSpan.FromSeconds(30));
        Assert.Contains($"node {ship1Name} may not call REQCliCommand on node {ship2.NodeName}", row.LastError, StringComparison.Ordinal);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task A_relay_node_that_changes_or_forwards_again_a_message_is_refused_by_the_far_node()
    {
        var centralName = Names.Next("central");
        await using var central = await StartAsync(centralName, centralName);
        await using var relay = await StartAsync(Names.Next("relay"), centralName);
        await using var ship2 = await StartAsync(Names.Next("ship"), centralName);
        await using var origin = await Forger.ConnectAsync(broker.Url, central.Context.DataFolder);
        await using var forwarder = await Forger.ConnectAsync(broker.Url, relay.Context.DataFolder);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var original = new Message
        {
            Id = now, CreatedAt = now, FromNode = centralName, ToNode = ship2.NodeName, RelayViaNode = relay.NodeName, Method = Methods.CliCommand,
            MethodArgs = _runs.Command("genuine"), MethodTimeout = 10, ReplyMethod = Methods.None,
        };
        var signedOriginal = origin.Sign(original);
        Message Forward(string[] args) => original with
        {
            Id = now + 1, FromNode = relay.NodeName, RelayViaNode = null, MethodArgs = args, Origin = signedOriginal,
        };

        var altered = await forwarder.SendAsync(ship2.NodeName, Methods.CliCommand, forwarder.Sign(Forward(_runs.Command("altered"))));
        var faithful = await forwarder.SendAsync(ship2.NodeName, Methods.CliCommand, forwarder.Sign(Forward(original.MethodArgs!)));

        Assert.False(altered.Accepted);
        Assert.Equal("origin: the relayed message differs from what its origin signed", altered.Reason);
        Assert.True(faithful.Accepted, faithful.Reason);
        await Until.TrueAsync("the faithful forward ran", () => _runs.Lines.Count == 1);
        Assert.Equal(["genuine"], _runs.Lines);
        var again = await forwarder.SendAsync(ship2.NodeName, Methods.CliCommand, forwarder.Sign(Forward(original.MethodArgs!) with { Id = now + 2 }));
        Assert.False(again.Accepted);
        Assert.StartsWith("the origin of this relayed message already arrived", again.Reason, StringComparison.Ordinal);
        var resent = await forwarder.SendAsync(ship2.NodeName, Methods.CliCommand, forwarder.Sign(Forward(original.MethodArgs!)));
        Assert.True(resent.Accepted, resent.Reason);   // the same forward again (its ACK was lost): a duplicate, ACKed
        Assert.Equal(["genuine"], _runs.Lines);
    }

    [Fact]
    public async Task A_ship_cannot_cancel_centrals_command_on_ship2_by_relaying_its_cancel_through_central()
    {
        var centralName = Names.Next("central");
        var ship1Name = Names.Next("ship");
        await using var central = await StartAsync(centralName, centralName, o => o.Allow[ship1Name] = [Methods.Relay]);
        await using var ship1 = await StartAsync(ship1Name, centralName);
        // ship1 may cancel its own commands on ship2, nothing else.
        await using var ship2 = await StartAsync(Names.Next("ship"), centralName, o => o.Allow[ship1Name] = [Methods.OpCancel]);

        var slow = (await central.Outbox.AcceptAsync(new Message
        {
            ToNode = ship2.NodeName, Method = Methods.CliCommand, MethodTimeout = 30, ReplyMethod = Methods.None,
            MethodArgs = ["bash", "-c", $"echo central-started >> '{_runs.Path}'; sleep 5; echo central-finished >> '{_runs.Path}'"],
        }))[0];
        await Until.TrueAsync("central's command runs on ship2", () => _runs.Lines.Count == 1);

        var cancel = (await ship1.Outbox.AcceptAsync(new Message
        {
            ToNode = ship2.NodeName, RelayViaNode = centralName, Method = Methods.OpCancel, MethodArgs = [slow.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        }))[0];
        await Wait.ForStateAsync(ship1, cancel, "done");   // ship2 handled the cancel and its answer came back through central

        // ship2 took the cancel as ship1's, for ship1's message of that id: central's command runs to its end.
        await Until.TrueAsync("central's command finished", () => _runs.Lines.Count == 2);
        Assert.Equal(["central-started", "central-finished"], _runs.Lines);
    }
}
