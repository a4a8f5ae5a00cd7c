using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>
/// A command still running when its agent is killed with SIGKILL alone: it leads its own process group, so it outlives
/// the agent. The restarted agent stops it before it runs the message again, or instead of running it again.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SurvivingCommandTests(NatsServerFixture broker)
{
    private readonly string _runs = Path.Combine(Directory.CreateTempSubdirectory("steward-runs-").FullName, "runs.txt");

    /// <summary>
    /// The first run says "start &lt;pid&gt;" and sleeps; when it gets SIGTERM it says "stopped &lt;pid&gt;". A later run says
    /// "start &lt;pid&gt;" and finishes at once. The file's order shows whether two runs overlapped.
    /// </summary>
    private string[] Command => ["bash", "-c", $"""
        echo "start $$" >> '{_runs}'
        if [ ! -e '{_runs}.once' ]; then
          touch '{_runs}.once'
          trap 'echo "stopped $$" >> "{_runs}"; exit 143' TERM
          sleep 60 & wait
        fi
        echo finished
        """];

    private IReadOnlyList<string> Lines => File.Exists(_runs) ? File.ReadAllLines(_runs) : [];

    [Fact]
    public async Task A_command_that_outlived_its_killed_agent_is_stopped_before_the_restarted_agent_runs_it_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        var agentArgs = AgentArgs(gateway);

        var (id, first) = await StartAndKillAgentAsync(agentArgs, client, new { toNode = agentArgs[1], method = "REQCliCommand", methodArgs = Command, methodTimeout = 60 });
        Assert.True(Processes.IsRunning(first), "the command outlived its agent");
        await using var restarted = await HostProcess.StartAsync(HostProcess.Agent, agentArgs);

        var events = await client.ReadEventsUntilFinalAsync(id, timeout.Token);
        Assert.Equal("finished\n", events.Single(e => e.Event == "reply").Field("output"));
        Assert.Equal([$"start {first}", $"stopped {first}"], Lines.Take(2));
        Assert.Matches("^start [0-9]+$", Assert.Single(Lines.Skip(2)));
        Assert.False(Processes.IsRunning(first), "the command that outlived its agent is gone");
    }

    [Fact]
    public async Task A_command_that_must_not_run_again_is_stopped_and_reported_interrupted_when_its_agent_restarts()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        var agentArgs = AgentArgs(gateway);

        var (id, first) = await StartAndKillAgentAsync(
            agentArgs, client, new { toNode = agentArgs[1], method = "REQCliCommand", methodArgs = Command, methodTimeout = 60, rerunOnRestart = false });
        await using var restarted = await HostProcess.StartAsync(HostProcess.Agent, agentArgs);

        var reply = (await client.ReadEventsUntilFinalAsync(id, timeout.Token)).Single(e => e.Event == "reply");
        Assert.Equal(("", ""), (reply.Field("output"), reply.Field("exitCode")));
        await Until.TrueAsync("the operator sees why it did not run again", async () =>
            (await client.GetFromJsonAsync<JsonElement>($"/messages/{id}", timeout.Token)).GetProperty("events").EnumerateArray()
                .Any(e => e.GetProperty("kind").GetString() == "error"
                    && e.GetProperty("error").GetString()!.Contains("interrupted by a restart", StringComparison.Ordinal)));
        Assert.Equal([$"start {first}", $"stopped {first}"], Lines);
        Assert.False(Processes.IsRunning(first), "the command that outlived its agent is gone");
    }

    private string[] AgentArgs(GatewayFactory gateway) =>
        ["--node", Names.Next("ship"), "--broker", broker.Url, "--data", Directory.CreateTempSubdirectory("steward-ship-").FullName, "--central", gateway.NodeName];

    /// <summary>
    /// Posts the message, waits until its command runs and the agent has noted it in its file, and kills the agent
    /// alone; the command's pid. (A kill in the moment between the command's start and that note leaves a command the
    /// restarted agent cannot know of: no test can aim at it.)
    /// </summary>
    private async Task<(long Id, int FirstPid)> StartAndKillAgentAsync(string[] agentArgs, HttpClient client, object message)
    {
        await using var agent = await HostProcess.StartAsync(HostProcess.Agent, agentArgs);
        var id = (await client.PostMessagesAsync(JsonSerializer.Serialize(message)))[0];
        var start = await Until.ValueAsync("the command started", () => Lines is [var line, ..] ? line : null);
        var pid = int.Parse(start["start ".Length..], CultureInfo.InvariantCulture);
        await Until.TrueAsync("the agent noted the command's process group", () => RecordedGroups(agentArgs[5]).Contains(pid));
        await agent.KillAloneAsync();
        return (id, pid);
    }

    private static List<long> RecordedGroups(string dataFolder)
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(dataFolder, "steward.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = """SELECT "ProcessGroup" FROM "Inbound" WHERE "ProcessGroup" IS NOT NULL""";
        using var reader = query.ExecuteReader();
        var groups = new List<long>();
        while (reader.Read()) groups.Add(reader.GetInt64(0));
        return groups;
    }
}
