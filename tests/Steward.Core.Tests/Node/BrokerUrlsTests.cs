using Steward.Core.Node;

namespace Steward.Core.Tests.Node;

/// <summary><c>Broker</c> takes one URL or a cluster's list; an entry that is not a broker URL is one problem naming its place.</summary>
public sealed class BrokerUrlsTests
{
    [Theory]
    [InlineData("nats://127.0.0.1:4222")]
    [InlineData("nats://10.0.0.1:4222,nats://10.0.0.2:4222,nats://10.0.0.3:4222")]
    [InlineData("tls://hub-a.example.net:4222, tls://hub-b.example.net:4222")]
    [InlineData("127.0.0.1:4222,wss://hub.example.net/nats")]
    public void One_broker_url_or_a_list_of_them_is_fine(string broker) =>
        Assert.Empty(new StewardOptions { NodeName = "central", Broker = broker }.Problems());

    [Theory]
    [InlineData("nats://127.0.0.1:4222,http://127.0.0.1:8080", "Broker: URL 2 of 2: 'http://127.0.0.1:8080' is not a broker URL")]
    [InlineData("nats://127.0.0.1:4222,,nats://127.0.0.1:4223", "Broker: URL 2 of 3 is empty")]
    [InlineData("nats://not a host:4222", "Broker: 'nats://not a host:4222' is not a broker URL")]
    public void A_url_that_is_not_a_broker_url_is_one_problem_naming_it(string broker, string problem) =>
        Assert.StartsWith(problem, Assert.Single(new StewardOptions { NodeName = "central", Broker = broker }.Problems()), StringComparison.Ordinal);

    [Fact]
    public void A_problem_with_a_url_does_not_show_its_password()
    {
        var problem = Assert.Single(new StewardOptions { NodeName = "central", Broker = "nats://ship1:s3cret@hub:4222,http://ship1:s3cret@hub" }.Problems());

        Assert.DoesNotContain("s3cret", problem, StringComparison.Ordinal);
        Assert.Contains("'http://***@hub'", problem, StringComparison.Ordinal);
    }
}
