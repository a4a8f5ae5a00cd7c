using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>Real processes killed with SIGKILL, as when power is lost, then started again on the same data folder.</summary>
[Collection(BrokerCollection.Name)]
public sealed class CrashRecoveryTests(NatsServerFixture broker)
{
    private readonly RunCounter _runs = new();

    [Fact]
    public async Task Messages_waiting_for_a_stopped_agent_survive_a_killed_gateway_and_each_runs_once()
    {
        var central = Names.Next("central");
        var ship = Names.Next("ship");
        var data = Directory.CreateTempSubdirectory("steward-central-").FullName;
        var shipData = Directory.CreateTempSubdirectory("steward-ship-").FullName;
        TestFleet.EnrollFolder(ship, shipData);   // enrolled before central starts, as an operator would
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        string[] gatewayArgs = ["--node", central, "--central", central, "--broker", broker.Url, "--data", data, "--urls", url];
        var environment = new Dictionary<string, string> { ["Steward__ApiToken"] = "crash-test" };
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "crash-test");
        var messages = Enumerable.Range(1, 50).Select(i =>
            new { toNode = ship, method = "REQCliCommand", methodArgs = _runs.Command($"run{i}"), ACKTimeout = 1, retries = 200, retryWait = 1 });

        long[] ids;
        await using (var gateway = await HostProcess.StartAsync(HostProcess.Gateway, environment, gatewayArgs))
        {
            ids = await client.PostMessagesAsync(JsonSerializer.Serialize(messages));
            await gateway.KillAsync();
        }
        await using var restarted = await HostProcess.StartAsync(HostProcess.Gateway, environment, gatewayArgs);
        await using var agent = await TestNode.StartAsync(broker.Url, ship, o => o.DataFolder = shipData);

        await Until.TrueAsync("all 50 messages are done", async () =>
            (await Task.WhenAll(ids.Select(id => client.StateOfAsync(id)))).All(s => s == "done"), TimeSpan.FromSeconds(90));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"run{i}").Order(), _runs.Lines.Order());
    }

    [Fact]
    public async Task A_command_cut_off_by_a_killed_agent_runs_again_when_the_agent_restarts_and_replies()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ship = Names.Next("ship");
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        var data = Directory.CreateTempSubdirectory("steward-ship-").FullName;
        string[] agentArgs = ["--node", ship, "--broker", broker.Url, "--data", data, "--central", gateway.NodeName];
        var command = new[] { "bash", "-c", $"echo start >> '{_runs.Path}'; sleep 2; echo finished" };

        long id;
        await using (var agent = await HostProcess.StartAsync(HostProcess.Agent, agentArgs))
        {
            id = (await client.PostMessagesAsync(JsonSerializer.Serialize(new { toNode = ship, method = "REQCliCommand", methodArgs = command, methodTimeout = 30 })))[0];
            await Until.TrueAsync("the command started", () => _runs.Lines.Count == 1);
            await agent.KillAsync();
        }
        await using var restarted = await HostProcess.StartAsync(HostProcess.Agent, agentArgs);

        var events = await client.ReadEventsUntilFinalAsync(id, timeout.Token);
        Assert.Equal("finished\n", events.Single(e => e.Event == "reply").Field("output"));
        Assert.Equal(["start", "start"], _runs.Lines);
    }

    [Fact]
    public async Task A_relay_node_killed_between_hops_still_delivers_exactly_once_after_it_restarts()
    {
        await using var ship1 = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        var ship2Name = Names.Next("ship");
        var relayName = Names.Next("relay");
        var relayData = Directory.CreateTempSubdirectory("steward-relay-").FullName;
        // ship1 is not central: the relay node's rules must let it ask for relays.
        string[] relayArgs = ["--node", relayName, "--broker", broker.Url, "--data", relayData, $"--Steward:Allow:{ship1.NodeName}:0=REQRelay"];

        long id;
        await using (var relay = await HostProcess.StartAsync(HostProcess.Agent, relayArgs))
        {
            id = (await ship1.Outbox.AcceptAsync(new Steward.Core.Messages.Message
            {
                ToNode = ship2Name, RelayViaNode = relayName, Method = "REQCliCommand", MethodArgs = _runs.Command("once"),
                AckTimeout = 1, Retries = 100, RetryWait = 1, RelayReplyMethod = "REQNone",
            }))[0];
            await Wait.ForStateAsync(ship1, id, "acked");   // the relay stored it; ship2 is not up, so the second hop waits
            await relay.KillAsync();
        }
        await using var ship2 = await TestNode.StartAsync(broker.Url, ship2Name);
        await using var restarted = await HostProcess.StartAsync(HostProcess.Agent, relayArgs);

        await Wait.ForStateAsync(ship1, id, "done", TimeSpan.FromSeconds(60));
        Assert.Equal(["once"], _runs.Lines);
    }
}
