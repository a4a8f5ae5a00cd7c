using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Gateway.Tests;

/// <summary>A gateway test with one agent node of its own, started before the gateway and stopped after it.</summary>
public abstract class GatewayAgentTest(NatsServerFixture broker) : GatewayTest(broker)
{
    protected string Ship { get; } = Names.Next("ship");

    protected NodeRuntime Agent { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Agent = await TestNode.StartAsync(Broker.Url, Ship);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Agent.DisposeAsync();
    }
}
