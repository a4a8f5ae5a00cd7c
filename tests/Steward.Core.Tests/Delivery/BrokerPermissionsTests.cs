using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Delivery;

/// <summary>With nats/relay-permissions.conf loaded, ship1 may not publish to ship2: only the relay through central works.</summary>
public sealed class BrokerPermissionsTests : IAsyncLifetime
{
    private readonly NatsServerFixture _broker = NatsServerFixture.WithConfig(Path.Combine(RepositoryRoot.Path, "nats", "relay-permissions.conf"));
    private readonly RunCounter _runs = new();

    public Task InitializeAsync() => _broker.InitializeAsync();

    public Task DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task A_direct_message_from_ship1_to_ship2_is_refused_by_the_broker_and_the_relay_through_central_works()
    {
        await using var central = await TestNode.StartAsync(_broker.Url, "central", As("central"));
        await using var ship1 = await TestNode.StartAsync(_broker.Url, "ship1", As("ship1"));
        await using var ship2 = await TestNode.StartAsync(_broker.Url, "ship2", As("ship2"));

        var direct = (await ship1.Outbox.AcceptAsync(new Message
        {
            ToNode = "ship2", Method = Methods.CliCommand, MethodArgs = _runs.Command("direct"), AckTimeout = 1, Retries = 1, RetryWait = 1,
        }))[0];
        var relayed = (await ship1.Outbox.AcceptAsync(new Message
        {
            ToNode = "ship2", RelayViaNode = "central", Method = Methods.CliCommand, MethodArgs = _runs.Command("relayed"), RelayReplyMethod = Methods.None,
        }))[0];

        await Wait.ForStateAsync(ship1, relayed, MessageStates.Done, TimeSpan.FromSeconds(30));
        await Wait.ForStateAsync(ship1, direct, MessageStates.Failed, TimeSpan.FromSeconds(30));
        Assert.Equal(["relayed"], _runs.Lines);
    }

    private static Action<Core.Node.StewardOptions> As(string user) => o =>
    {
        o.BrokerUser = user;
        o.BrokerPassword = $"{user}-secret";
        o.CentralNodeName = "central";
    };
}
