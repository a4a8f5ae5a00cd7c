using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>
/// Finding (review 2): REQOpCancel keys the message to cancel by the forwarder's name, not the origin's. A ship that may
/// cancel its own commands on ship2 and relay through central sends its cancel via central: the forward arrives from
/// central, and OpCancelHandler cancels (or tombstones) central's message with that id instead of the ship's own.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class RelayedCancelTests(NatsServerFixture broker)
{
    private readonly RunCounter _runs = new();

    private Task<NodeRuntime> StartAsync(string name, string central, Action<StewardOptions>? more = null) =>
        TestNode.StartAsync(broker.Url, name, o =>
        {
            (o.CentralNodeName, o.Allow) = (central, []);
            more?.Invoke(o);
        });

    [Fact]
    public async Task A_ship_cannot_cancel_centrals_command_on_ship2_by_relaying_its_cancel_through_central()
    {
        var centralName = Names.Next("central");
        var ship1Name = Names.Next("ship");
        await using var central = await StartAsync(centralName, centralName, o => o.Allow[ship1Name] = [Methods.Relay]);
        await using var ship1 = await StartAsync(ship1Name, centralName);
        // ship1 may cancel its own commands on ship2, nothing else.
        await using var ship2 = await StartAsync(Names.Next("ship"), centralName, o => o.Allow[ship1Name] = [Methods.OpCancel]);

        var slow = (await central.Intake.AcceptAsync(new Message
        {
            ToNode = ship2.NodeName, Method = Methods.CliCommand, MethodTimeout = 30, ReplyMethod = Methods.None,
            MethodArgs = ["bash", "-c", $"echo central-started >> '{_runs.Path}'; sleep 5; echo central-finished >> '{_runs.Path}'"],
        }))[0];
        await Until.TrueAsync("central's command runs on ship2", () => _runs.Lines.Count == 1);

        var cancel = (await ship1.Intake.AcceptAsync(new Message
        {
            ToNode = ship2.NodeName, RelayViaNode = centralName, Method = Methods.OpCancel, MethodArgs = [slow.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        }))[0];
        await Wait.ForStateAsync(ship1, cancel, "done");   // ship2 handled the cancel and its answer came back through central

        // ship2 took the cancel as ship1's, for ship1's message of that id: central's command runs to its end.
        await Until.TrueAsync("central's command finished", () => _runs.Lines.Count == 2);
        Assert.Equal(["central-started", "central-finished"], _runs.Lines);
    }
}
