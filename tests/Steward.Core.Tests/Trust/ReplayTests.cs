using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>A message captured off the wire and sent again: once while the ship remembers it, once after it forgot.</summary>
[Collection(BrokerCollection.Name)]
public sealed class ReplayTests(NatsServerFixture broker)
{
    private readonly RunCounter _runs = new();

    [Fact]
    public async Task A_captured_command_replayed_after_the_duplicate_memory_expired_is_refused_as_stale_and_runs_nothing()
    {
        var central = Names.Next("central");
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var sender = await TestNode.StartAsync(broker.Url, central, o => { o.CentralNodeName = central; o.Allow = []; });
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => { o.CentralNodeName = central; o.Allow = []; }, time: clock);
        await using var eavesdropper = await Forger.ConnectAsync(broker.Url, Directory.CreateTempSubdirectory("steward-spy-").FullName);
        var wire = await eavesdropper.Connection.SubscribeCoreAsync<byte[]>($"{ship.NodeName}.{Methods.CliCommand}.>");
        await eavesdropper.Connection.PingAsync();

        var id = (await sender.Outbox.AcceptAsync(new Message { ToNode = ship.NodeName, Method = Methods.CliCommand, MethodArgs = _runs.Command("once"), ReplyMethod = Methods.None }))[0];
        await Wait.ForStateAsync(sender, id, "done");
        var captured = (await wire.Msgs.ReadAsync()).Data!;
        await Until.TrueAsync("the command ran", () => _runs.Lines.Count == 1);
        var whileRemembered = await eavesdropper.SendAsync(ship.NodeName, Methods.CliCommand, captured);
        Assert.True(whileRemembered.Accepted, whileRemembered.Reason);   // a duplicate: ACKed again, not run again

        clock.Advance(TimeSpan.FromDays(8));
        Assert.True(await ship.Store.ForgetInboundOlderThanAsync(TimeSpan.FromDays(7)) > 0);   // the duplicate memory let it go
        var replayed = await eavesdropper.SendAsync(ship.NodeName, Methods.CliCommand, captured);

        Assert.False(replayed.Accepted);
        Assert.StartsWith("stale: created 8 days ago, beyond the 7-day duplicate memory", replayed.Reason, StringComparison.Ordinal);
        Assert.Equal(["once"], _runs.Lines);
        await wire.DisposeAsync();
    }
}
