using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Core.Tests.Node;

/// <summary>A broker that verifies clients (<c>verify: true</c>): a node needs a client certificate signed by the CA.</summary>
public sealed class BrokerMutualTlsTests : IAsyncLifetime
{
    private readonly NatsServerFixture _broker = NatsServerFixture.WithTls(verifyClients: true);

    public Task InitializeAsync() => _broker.InitializeAsync();

    public Task DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task The_broker_accepts_a_node_with_the_client_certificate()
    {
        var certs = TestCertificates.Trusted;
        await using var node = await TestNode.StartAsync(_broker.TlsUrl, Names.Next("ship"), o =>
        {
            o.BrokerCaFile = certs.Ca;
            o.BrokerCertFile = certs.ClientCert;
            o.BrokerKeyFile = certs.ClientKey;
        });

        Assert.Equal(NATS.Client.Core.NatsConnectionState.Open, node.Broker.ConnectionState);
    }

    [Fact]
    public async Task The_broker_refuses_a_node_without_a_client_certificate_and_the_node_says_so_in_one_line()
    {
        var refused = await Assert.ThrowsAsync<StewardStartupException>(() =>
            TestNode.StartAsync(_broker.TlsUrl, Names.Next("ship"), o => o.BrokerCaFile = TestCertificates.Trusted.Ca));

        Assert.Equal($"cannot connect to {_broker.TlsUrl}: the broker requires a client certificate (set BrokerCertFile and BrokerKeyFile)", refused.Message);
    }
}
