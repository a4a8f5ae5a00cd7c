using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Core.Tests.Node;

/// <summary>A broker that takes TLS connections only (certificates from scripts/make-certs.sh).</summary>
public sealed class BrokerTlsTests : IAsyncLifetime
{
    private readonly NatsServerFixture _broker = NatsServerFixture.WithTls();

    public Task InitializeAsync() => _broker.InitializeAsync();

    public Task DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task A_node_that_trusts_the_broker_CA_connects_over_tls_and_delivers_a_message_node_to_node()
    {
        await using var nodes = await NodePair.StartAsync(_broker.TlsUrl, both: o => o.BrokerCaFile = TestCertificates.Trusted.Ca);

        var id = await nodes.SendAsync(new Message { Method = Methods.CliCommand, MethodArgs = ["echo", "over tls"] });

        Assert.Equal("over tls\n", Assert.Single(await nodes.RepliesAsync(id)).Output);
    }

    [Fact]
    public async Task A_plain_nats_connection_to_a_tls_only_broker_fails_with_one_line_naming_the_broker()
    {
        var refused = await Assert.ThrowsAsync<StewardStartupException>(() => TestNode.StartAsync(_broker.Url, Names.Next("ship")));

        Assert.Equal($"cannot connect to {_broker.Url}: the broker's certificate is not trusted by this machine's CA store (set BrokerCaFile)", refused.Message);
    }

    [Fact]
    public async Task A_node_with_the_wrong_CA_gives_up_with_one_line_naming_the_broker_and_the_CA_file()
    {
        var refused = await Assert.ThrowsAsync<StewardStartupException>(() =>
            TestNode.StartAsync(_broker.TlsUrl, Names.Next("ship"), o => o.BrokerCaFile = TestCertificates.Other.Ca));

        Assert.Equal($"cannot connect to {_broker.TlsUrl}: the broker's certificate is not trusted by {TestCertificates.Other.Ca}", refused.Message);
    }

    [Fact]
    public async Task A_broker_that_is_down_at_start_is_an_outage_the_node_connects_once_it_is_up()
    {
        await _broker.StopAsync();
        var options = new StewardOptions
        {
            NodeName = Names.Next("ship"), Broker = _broker.TlsUrl, BrokerCaFile = TestCertificates.Trusted.Ca,
            DataFolder = Directory.CreateTempSubdirectory("steward-down-").FullName,
        };
        await using var node = new NodeRuntime(options, TimeProvider.System, NullLoggerFactory.Instance);
        await node.StartAsync(CancellationToken.None);

        await _broker.RestartAsync();

        await node.Receiving.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(node.Unusable.IsCompleted);
    }
}
