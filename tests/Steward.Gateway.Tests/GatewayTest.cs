using Steward.TestSupport;

namespace Steward.Gateway.Tests;

/// <summary>A test class with its own gateway on the collection's broker, and a client that carries the operator token.</summary>
public abstract class GatewayTest(NatsServerFixture broker) : IAsyncLifetime
{
    protected NatsServerFixture Broker => broker;

    protected GatewayFactory Gateway { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Settings for this class's gateway, before it starts.</summary>
    protected virtual void Configure(GatewayFactory gateway)
    {
    }

    public virtual async Task InitializeAsync()
    {
        Gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        Configure(Gateway);
        Client = await Gateway.CreateReadyClientAsync();
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
    }
}
