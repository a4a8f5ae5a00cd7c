using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>Attacks found in review: central and two ships on an open broker; the attacker holds ship1's key (its data folder).</summary>
public abstract class AttackedFleet(NatsServerFixture broker) : IAsyncLifetime
{
    protected RunCounter Runs { get; } = new();
    protected NatsServerFixture Broker { get; } = broker;
    protected NodeRuntime Central { get; private set; } = null!;
    protected NodeRuntime Ship1 { get; private set; } = null!;
    protected NodeRuntime Ship2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var central = Names.Next("central");
        Central = await TestNode.StartAsync(Broker.Url, central, o => { o.CentralNodeName = central; o.Allow = []; });
        Ship1 = await TestNode.StartAsync(Broker.Url, Names.Next("ship"), o => { o.CentralNodeName = central; o.Allow = []; });
        Ship2 = await TestNode.StartAsync(Broker.Url, Names.Next("ship"), o => { o.CentralNodeName = central; o.Allow = []; });
    }

    public async Task DisposeAsync()
    {
        await Ship2.DisposeAsync();
        await Ship1.DisposeAsync();
        await Central.DisposeAsync();
    }

    protected static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected static string StrangerFolder() => Directory.CreateTempSubdirectory("steward-stranger-").FullName;

    /// <summary>The attacker with ship1's stolen key.</summary>
    protected Task<Forger> StolenShip1Async() => Forger.ConnectAsync(Broker.Url, Ship1.Context.DataFolder);
}
