using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

[Collection(BrokerCollection.Name)]
public sealed class AgentProcessTests(NatsServerFixture broker)
{
    [Fact]
    public async Task The_agent_as_a_real_process_answers_a_message_posted_to_the_gateway()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ship = Names.Next("ship");
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        var data = Directory.CreateTempSubdirectory("steward-agent-").FullName;
        await using var agent = await HostProcess.StartAsync(HostProcess.Agent, "--node", ship, "--broker", broker.Url, "--data", data, "--central", gateway.NodeName);

        using var content = JsonContent.Create(new { toNode = ship, method = "REQCliCommand", methodArgs = new[] { "bash", "-c", $"echo answered by {ship} on $(hostname)" } });
        var posted = await client.PostAsync("/messages", content, timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("ids")[0].GetInt64();

        string? output = null;
        await foreach (var e in ServerSentEvents.ReadAsync(client, $"/messages/{id}/events", ct: timeout.Token))
            if (e.Event == "reply") output = JsonDocument.Parse(e.Data).RootElement.GetProperty("output").GetString();

        Assert.Equal($"answered by {ship} on {Environment.MachineName}\n", output);
        Assert.True(File.Exists(Path.Combine(data, "steward.db")), "the agent keeps its state in its own SQLite file");
    }

    [Fact]
    public async Task A_stopped_agent_exits_0_so_a_service_manager_records_no_crash()
    {
        await using var agent = await HostProcess.StartAsync(HostProcess.Agent,
            "--node", Names.Next("ship"), "--broker", broker.Url, "--data", Directory.CreateTempSubdirectory("steward-agent-").FullName);

        Assert.Equal(0, await agent.StopAsync());
        Assert.DoesNotContain("Unhandled exception", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_switch_and_exits_zero()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Agent, "--help");

        Assert.Equal(0, exitCode);
        foreach (var sw in new[] { "--node", "--broker", "--data", "--central" }) Assert.Contains(sw, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ship.1", "NodeName")]
    [InlineData("", "NodeName")]
    public async Task A_bad_node_name_stops_the_agent_with_one_clear_line(string node, string named)
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Agent, "--node", node, "--broker", broker.Url);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_switch_is_refused_instead_of_ignored()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Agent, "--nod", "ship1");

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown switch --nod", output, StringComparison.Ordinal);
    }
}
