using Steward.TestSupport;

namespace Steward.Agent.Tests.Scale;

/// <summary>--broker takes a cluster's servers, comma-separated; a mistyped one stops the agent with one line, not a crash.</summary>
public sealed class BrokerListTests
{
    [Fact]
    public async Task A_url_of_the_broker_list_that_is_not_a_broker_url_stops_the_agent_with_one_line_naming_it()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Agent,
            "--node", Names.Next("ship"), "--broker", "nats://127.0.0.1:4222,htp://127.0.0.1:4223", "--data", Directory.CreateTempSubdirectory("steward-ship-").FullName);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Broker: URL 2 of 2: 'htp://127.0.0.1:4223' is not a broker URL", line, StringComparison.Ordinal);
    }
}
