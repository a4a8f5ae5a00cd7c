using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>
/// The agent's end-to-end cases against the Native AOT agent (<see cref="HostProcess.AotAgent"/>) as a real process:
/// what trimming or a missing reflection fallback would break shows here, not on an edge machine. It is one file that
/// runs without a .NET runtime; <c>./scripts/test.sh</c> publishes it before the tests.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class NativeAotAgentTests(NatsServerFixture broker)
{
    private readonly RunCounter _runs = new();

    [Fact]
    public async Task It_answers_REQCliCommand_and_REQPing_says_hello_to_central_and_exits_0_when_stopped()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ship = Names.Next("ship");
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        await using var agent = await StartAsync("--node", ship, "--broker", broker.Url, "--data", NewDataFolder(), "--central", gateway.NodeName);

        var ids = await client.PostMessagesAsync(JsonSerializer.Serialize(new object[]
        {
            new { toNode = ship, method = "REQCliCommand", methodArgs = new[] { "bash", "-c", $"echo answered by {ship}" } },
            new { toNode = ship, method = "REQPing" },
        }), timeout.Token);

        Assert.Equal($"answered by {ship}\n", ReplyOf(await client.ReadEventsUntilFinalAsync(ids[0], timeout.Token)));
        Assert.StartsWith($"pong from {ship} at ", ReplyOf(await client.ReadEventsUntilFinalAsync(ids[1], timeout.Token)), StringComparison.Ordinal);
        await Until.TrueAsync("central stored its hello, with its labels", async () =>
            (await client.GetFromJsonAsync<JsonElement>("/nodes", timeout.Token)).EnumerateArray().Any(n =>
                n.GetProperty("name").GetString() == ship && n.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                && labels.GetProperty("os").GetString() == "linux"));
        Assert.Equal(0, await agent.StopAsync());
    }

    [Fact]
    public async Task It_writes_the_file_a_REQToFile_carries_its_data_given_as_lines()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ship = Names.Next("ship");
        var data = NewDataFolder();
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        await using var agent = await StartAsync("--node", ship, "--broker", broker.Url, "--data", data, "--central", gateway.NodeName);

        var ids = await client.PostMessagesAsync(
            $$"""{"toNode":"{{ship}}","method":"REQToFile","directory":"notes","fileName":"motd.txt","data":["first line","second line"]}""", timeout.Token);

        await client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);
        Assert.Equal("done", await client.StateOfAsync(ids[0], timeout.Token));
        Assert.Equal("first line\nsecond line", await File.ReadAllTextAsync(Path.Combine(data, "data", "notes", gateway.NodeName, "motd.txt"), timeout.Token));
    }

    [Fact]
    public async Task Killed_mid_command_and_started_again_on_the_same_data_folder_it_runs_the_command_again_and_replies()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ship = Names.Next("ship");
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        string[] args = ["--node", ship, "--broker", broker.Url, "--data", NewDataFolder(), "--central", gateway.NodeName];
        var command = new[] { "bash", "-c", $"echo start >> '{_runs.Path}'; sleep 2; echo finished" };

        long id;
        await using (var agent = await StartAsync(args))
        {
            id = (await client.PostMessagesAsync(JsonSerializer.Serialize(new { toNode = ship, method = "REQCliCommand", methodArgs = command, methodTimeout = 30 }), timeout.Token))[0];
            await Until.TrueAsync("the command started", () => _runs.Lines.Count == 1);
            await agent.KillAsync();
        }
        await using var restarted = await StartAsync(args);

        Assert.Equal("finished\n", ReplyOf(await client.ReadEventsUntilFinalAsync(id, timeout.Token)));
        Assert.Equal(["start", "start"], _runs.Lines);
    }

    [Fact]
    public async Task An_inbox_file_is_read_strictly_a_good_one_runs_and_an_unknown_field_is_named_in_its_error_file()
    {
        var data = NewDataFolder();
        await using var agent = await StartAsync("--node", Names.Next("ship"), "--broker", broker.Url, "--data", data);
        var inbox = Path.Combine(data, "inbox");

        await DropAsync(inbox, "bad.json", """{"toNode":"local","method":"REQCliCommand","methodArgs":["true"],"colour":"red"}""");
        await DropAsync(inbox, "good.json", JsonSerializer.Serialize(new { toNode = "local", method = "REQCliCommand", methodArgs = _runs.Command("from the inbox") }));

        await Until.TrueAsync("the good file ran", () => _runs.Lines.SequenceEqual(["from the inbox"]));
        var error = Path.Combine(inbox, "rejected", "bad.json.error");
        await Until.TrueAsync("the bad file was rejected", () => File.Exists(error));
        Assert.StartsWith("colour: ", await File.ReadAllTextAsync(error), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--node ship.1", "NodeName")]
    [InlineData("--Steward:DefaultRetries=-1", "DefaultRetries")]
    [InlineData("--Steward:DefaultRetries=three", "Steward:DefaultRetries")]
    [InlineData("--Serilog:MinimumLevel:Default=Loud", "Serilog:MinimumLevel:Default")]
    public async Task A_bad_setting_stops_it_with_one_line_naming_the_setting_and_exit_code_2(string setting, string named)
    {
        // A bad name goes without --data: HostProcess would enrol it in the test fleet, and every later host would be told to trust it.
        string[] node = setting.StartsWith("--node", StringComparison.Ordinal) ? [] : ["--node", Names.Next("ship"), "--data", NewDataFolder()];
        var (exitCode, output) = await HostProcess.RunToExitAsync(Binary(), [.. node, .. setting.Split(' '), "--broker", broker.Url]);

        Assert.Equal(2, exitCode);
        Assert.Contains(named, Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Steward:MetricsPort=9464")]
    [InlineData("--Steward:OtlpEndpoint=http://127.0.0.1:4318")]
    public async Task Built_without_telemetry_it_refuses_a_metrics_port_or_a_trace_endpoint_and_says_how_to_build_one_with_it(string setting)
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(Binary(), "--node", Names.Next("ship"), "--data", NewDataFolder(), setting, "--broker", broker.Url);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("MetricsPort and OtlpEndpoint need an agent built with telemetry", line, StringComparison.Ordinal);
        Assert.Contains("-p:StewardTelemetry=true", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_switches_and_exits_0()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(Binary(), "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--node", "--broker", "--data", "--central", "--print-public-key" }) Assert.Contains(option, output, StringComparison.Ordinal);
    }

    /// <summary>The AOT agent, or a failure that says how to build it: a missing binary is never a silent skip.</summary>
    private static string Binary()
    {
        Assert.True(File.Exists(HostProcess.AotAgent), $"the Native AOT agent is not at {HostProcess.AotAgent}; build it with {HostProcess.AotAgentBuild}");
        return HostProcess.AotAgent;
    }

    private static Task<HostProcess> StartAsync(params string[] args) => HostProcess.StartAsync(Binary(), args);

    private static string NewDataFolder() => Directory.CreateTempSubdirectory("steward-aot-").FullName;

    private static string ReplyOf(IEnumerable<SseEvent> events) => events.Single(e => e.Event == "reply").Field("output");

    private static async Task DropAsync(string inbox, string name, string json)
    {
        var temporary = Path.Combine(inbox, name + ".tmp");
        await File.WriteAllTextAsync(temporary, json);
        File.Move(temporary, Path.Combine(inbox, name));
    }
}
