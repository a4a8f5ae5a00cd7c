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
    public async Task A_rollout_cut_short_by_a_killed_gateway_goes_on_after_its_restart_and_every_node_runs_exactly_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var central = Names.Next("central");
        var data = Directory.CreateTempSubdirectory("steward-central-").FullName;
        TestFleet.EnrollFolder(central, data);   // the agents trust central's key from the start
        var fleet = Names.Next("wave");
        var agents = new List<Steward.Core.Node.NodeRuntime>();
        try
        {
            for (var n = 1; n <= 6; n++) agents.Add(await TestNode.StartAsync(broker.Url, $"{fleet}-{n}", o => o.CentralNodeName = central));
            var url = $"http://127.0.0.1:{FreePort.Next()}";
            string[] gatewayArgs = ["--node", central, "--central", central, "--broker", broker.Url, "--data", data, "--urls", url];
            var environment = new Dictionary<string, string> { ["Steward__ApiToken"] = "rollout-test" };
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "rollout-test");
            // Each run appends a token of its own to the file and prints it: its reply says which node ran it.
            var command = $"t=$(cat /proc/sys/kernel/random/uuid); echo $t >> '{_runs.Path}'; sleep 2; echo $t";

            long batchId;
            await using (var gateway = await HostProcess.StartAsync(HostProcess.Gateway, environment, gatewayArgs))
            {
                var posted = await client.PostAsJsonAsync("/messages/batch", new
                {
                    toNodes = new[] { $"{fleet}-*" }, maxConcurrency = 2, batchSleepSeconds = 1, method = "REQCliCommand",
                    methodArgs = new[] { "bash", "-c", command }, methodTimeout = 30, ACKTimeout = 2, retries = 60, retryWait = 1,
                }, timeout.Token);
                batchId = (await posted.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("batchId").GetInt64();
                await Until.TrueAsync("the second wave is released", async () =>
                    (await client.GetFromJsonAsync<JsonElement>($"/batches/{batchId}", timeout.Token)).GetProperty("rollout").GetProperty("wave").GetInt32() >= 2,
                    TimeSpan.FromSeconds(60));
                await gateway.KillAsync();
            }
            await using var restarted = await HostProcess.StartAsync(HostProcess.Gateway, environment, gatewayArgs);

            var replies = new List<(string Node, string Token)>();
            await foreach (var e in ServerSentEvents.ReadAsync(client, $"/batches/{batchId}/events", ct: timeout.Token))
                if (e.Event == "reply") replies.Add((e.Field("node"), e.Field("output").Trim()));
            var view = await client.GetFromJsonAsync<JsonElement>($"/batches/{batchId}", timeout.Token);

            Assert.All(view.GetProperty("messages").EnumerateArray(), m => Assert.Equal("done", m.GetProperty("state").GetString()));
            Assert.Equal(agents.Select(a => a.NodeName).Order(), replies.Select(r => r.Node).Order());   // each node once, none skipped
            Assert.Equal(replies.Select(r => r.Token).Order(), _runs.Lines.Order());                      // and each ran once: no run without its reply
            var rollout = view.GetProperty("rollout");
            Assert.Equal(("done", 3), (rollout.GetProperty("state").GetString(), rollout.GetProperty("wave").GetInt32()));
            Assert.Equal([2, 2, 2], view.GetProperty("messages").EnumerateArray().GroupBy(m => m.GetProperty("wave").GetInt32()).OrderBy(g => g.Key).Select(g => g.Count()));
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
        }
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
