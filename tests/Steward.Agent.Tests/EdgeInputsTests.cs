using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>The agent's local inputs, on a real agent process: inbox folder, startup folder, Unix socket.</summary>
[Collection(BrokerCollection.Name)]
public sealed class EdgeInputsTests(NatsServerFixture broker)
{
    private readonly RunCounter _runs = new();

    [Fact]
    public async Task A_file_dropped_in_the_inbox_is_sent_and_its_result_lands_on_central()
    {
        await using var central = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        var (agent, data) = await StartAgentAsync(central.NodeName);
        await using var running = agent;

        await DropAsync(Path.Combine(data, "inbox"), "note.json",
            $$"""{"toNode":"{{central.NodeName}}","method":"REQToFileAppend","directory":"notes","fileName":"from-ship.txt","data":"{{Convert.ToBase64String("dropped in the inbox\n"u8)}}"}""");

        var file = Path.Combine(central.Context.FilesFolder, "notes", agent.NodeName, "from-ship.txt");
        // The append creates the file before it commits where it starts, and writes only then: wait for the bytes.
        await Until.TrueAsync("central's file has the line", () => File.Exists(file) && new FileInfo(file).Length > 0);
        Assert.Equal("dropped in the inbox\n", await File.ReadAllTextAsync(file));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(data, "inbox")));
    }

    [Fact]
    public async Task A_bad_inbox_file_ends_in_rejected_with_an_error_file_naming_the_field()
    {
        var (agent, data) = await StartAgentAsync("central");
        await using var running = agent;

        await DropAsync(Path.Combine(data, "inbox"), "bad.json", """{"toNode":"ship 2","method":"REQCliCommand","methodArgs":["true"]}""");

        var error = Path.Combine(data, "inbox", "rejected", "bad.json.error");
        await Until.TrueAsync("the file was rejected", () => File.Exists(error));
        Assert.StartsWith("toNode: toNode 'ship 2' must match", await File.ReadAllTextAsync(error), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "inbox", "rejected", "bad.json")));
    }

    [Fact]
    public async Task A_startup_message_runs_at_every_start_of_the_node()
    {
        var data = Directory.CreateTempSubdirectory("steward-edge-").FullName;
        Directory.CreateDirectory(Path.Combine(data, "startup"));
        await File.WriteAllTextAsync(Path.Combine(data, "startup", "mark.json"),
            JsonSerializer.Serialize(new { toNode = "local", method = "REQCliCommand", methodArgs = _runs.Command("started") }));
        var name = Names.Next("ship");

        await using (var first = await HostProcess.StartAsync(HostProcess.Agent, "--node", name, "--broker", broker.Url, "--data", data))
        {
            await Until.TrueAsync("the startup message ran", () => _runs.Lines.Count == 1);
            await first.KillAsync();
        }
        await using var second = await HostProcess.StartAsync(HostProcess.Agent, "--node", name, "--broker", broker.Url, "--data", data);

        await Until.TrueAsync("it ran again after the restart", () => _runs.Lines.Count == 2);
    }

    [Fact]
    public async Task A_link_or_a_fifo_in_the_inbox_is_moved_to_rejected_unopened_and_the_inbox_goes_on()
    {
        var (agent, data) = await StartAgentAsync("central", SmallHeap);
        await using var running = agent;
        var inbox = Path.Combine(data, "inbox");
        await MakeFifoAsync(Path.Combine(inbox, "a-pipe.json"));            // opening it would wait for a writer forever
        File.CreateSymbolicLink(Path.Combine(inbox, "b-zero.json"), "/dev/zero");   // reading it would never end

        await DropAsync(inbox, "c-note.json", JsonSerializer.Serialize(new { toNode = "local", method = "REQCliCommand", methodArgs = _runs.Command("after") }));

        await Until.TrueAsync("the regular file after them ran", () => _runs.Lines.SequenceEqual(["after"]));
        var rejected = Path.Combine(inbox, "rejected");
        await Until.TrueAsync("both are in rejected/", () => File.Exists(Path.Combine(rejected, "a-pipe.json.error")) && File.Exists(Path.Combine(rejected, "b-zero.json.error")));
        Assert.StartsWith("not a regular file but a FIFO", await File.ReadAllTextAsync(Path.Combine(rejected, "a-pipe.json.error")), StringComparison.Ordinal);
        Assert.StartsWith("not a regular file but a symbolic link", await File.ReadAllTextAsync(Path.Combine(rejected, "b-zero.json.error")), StringComparison.Ordinal);
        Assert.Equal("/dev/zero", new FileInfo(Path.Combine(rejected, "b-zero.json")).LinkTarget);   // the link moved, not what it names
    }

    [Fact]
    public async Task An_inbox_file_over_InputFileMaxBytes_is_rejected_naming_the_cap()
    {
        var (agent, data) = await StartAgentAsync("central", switches: ["--Steward:InputFileMaxBytes=2048"]);
        await using var running = agent;
        var inbox = Path.Combine(data, "inbox");

        await DropAsync(inbox, "big.json", JsonSerializer.Serialize(new { toNode = "local", method = "REQCliCommand", methodArgs = _runs.Command(new string('x', 4096)) }));

        var error = Path.Combine(inbox, "rejected", "big.json.error");
        await Until.TrueAsync("the file was rejected", () => File.Exists(error));
        Assert.StartsWith("larger than 2048 bytes (Steward:InputFileMaxBytes)", await File.ReadAllTextAsync(error), StringComparison.Ordinal);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task A_link_a_fifo_or_a_file_over_the_cap_in_the_startup_folder_is_skipped_with_a_log_line_and_the_agent_starts()
    {
        var data = Directory.CreateTempSubdirectory("steward-edge-").FullName;
        var startup = Directory.CreateDirectory(Path.Combine(data, "startup")).FullName;
        await MakeFifoAsync(Path.Combine(startup, "a-pipe.json"));
        File.CreateSymbolicLink(Path.Combine(startup, "b-zero.json"), "/dev/zero");
        await File.WriteAllTextAsync(Path.Combine(startup, "c-big.json"),
            JsonSerializer.Serialize(new { toNode = "local", method = "REQCliCommand", methodArgs = _runs.Command("big" + new string('x', 4096)) }));
        await File.WriteAllTextAsync(Path.Combine(startup, "d-mark.json"),
            JsonSerializer.Serialize(new { toNode = "local", method = "REQCliCommand", methodArgs = _runs.Command("started") }));

        await using var agent = await HostProcess.StartAsync(HostProcess.Agent, SmallHeap,
            "--node", Names.Next("ship"), "--broker", broker.Url, "--data", data, "--central", "central", "--Steward:InputFileMaxBytes=2048");

        await Until.TrueAsync("the regular startup file ran", () => _runs.Lines.SequenceEqual(["started"]));
        await Until.TrueAsync("the inbox and the socket started too", () => File.Exists(Path.Combine(data, "steward.sock")));
        Assert.Contains("a-pipe.json is not a regular file but a FIFO", agent.Output, StringComparison.Ordinal);
        Assert.Contains("b-zero.json is not a regular file but a symbolic link", agent.Output, StringComparison.Ordinal);
        Assert.Contains("c-big.json is larger than 2048 bytes (Steward:InputFileMaxBytes)", agent.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(startup, "a-pipe.json")) && new FileInfo(Path.Combine(startup, "b-zero.json")).LinkTarget == "/dev/zero", "startup files stay");
    }

    [Fact]
    public async Task A_message_written_to_the_unix_socket_is_answered_with_its_ids_and_runs()
    {
        var (agent, data) = await StartAgentAsync("central");
        await using var running = agent;
        var path = Path.Combine(data, "steward.sock");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        var answer = await SendOverSocketAsync(path, JsonSerializer.Serialize(new[]
        {
            new { toNode = "local", method = "REQCliCommand", methodArgs = _runs.Command("one") },
            new { toNode = "local", method = "REQCliCommand", methodArgs = _runs.Command("two") },
        }));

        Assert.Equal(2, JsonDocument.Parse(answer).RootElement.GetProperty("ids").GetArrayLength());
        await Until.TrueAsync("both ran", () => _runs.Lines.Order().SequenceEqual(["one", "two"]));
        var refused = await SendOverSocketAsync(path, """{"toNode":"local","method":"REQNope"}""");
        Assert.True(JsonDocument.Parse(refused).RootElement.GetProperty("errors").TryGetProperty("method", out _));
        var scalar = await SendOverSocketAsync(path, "\"not a message\"");   // a whole JSON value, just not an object: answered, not held open
        Assert.True(JsonDocument.Parse(scalar).RootElement.GetProperty("errors").TryGetProperty("body", out _));
    }

    [Fact]
    public async Task A_selector_or_a_name_pattern_on_the_socket_or_in_the_inbox_is_refused_with_the_reason_an_agent_has_no_node_registry()
    {
        var (agent, data) = await StartAgentAsync("central");
        await using var running = agent;

        var answer = await SendOverSocketAsync(Path.Combine(data, "steward.sock"), """{"selector":"role=web","method":"REQCliCommand","methodArgs":["true"]}""");
        await DropAsync(Path.Combine(data, "inbox"), "fleet.json", """{"toNodes":["ship*"],"method":"REQCliCommand","methodArgs":["true"],"maxConcurrency":2}""");

        var refusal = JsonDocument.Parse(answer).RootElement.GetProperty("errors").GetProperty("selector")[0].GetString();
        Assert.Contains("needs central's node registry, which this node does not have", refusal, StringComparison.Ordinal);
        var error = Path.Combine(data, "inbox", "rejected", "fleet.json.error");
        await Until.TrueAsync("the file was rejected", () => File.Exists(error));
        var text = await File.ReadAllTextAsync(error);
        Assert.Contains("toNodes: the name pattern 'ship*' needs central's node registry", text, StringComparison.Ordinal);
        Assert.Contains("maxConcurrency: maxConcurrency controls a rollout, which central runs", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ship_sends_a_command_to_another_ship_and_the_reply_lands_on_the_first()
    {
        await using var ship2 = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        var (ship1, data) = await StartAgentAsync("central");
        await using var running = ship1;

        await DropAsync(Path.Combine(data, "inbox"), "ask.json", $$"""{"toNode":"{{ship2.NodeName}}","method":"REQCliCommand","methodArgs":["echo","answered by ship2"]}""");

        var reply = Path.Combine(data, "data", ship2.NodeName, "REQCliCommand.log");
        await Until.TrueAsync("the reply landed on ship1", () => File.Exists(reply) && File.ReadAllText(reply).Length > 0);
        Assert.Equal("answered by ship2\n", await File.ReadAllTextAsync(reply));
    }

    /// <summary>
    /// A 256 MiB GC heap for the agent: an input that reads without end (a link to /dev/zero) makes it fail fast instead
    /// of taking the test machine's memory.
    /// </summary>
    private static readonly Dictionary<string, string> SmallHeap = new() { ["DOTNET_GCHeapHardLimit"] = "0x10000000" };

    private async Task<(HostProcess Agent, string Data)> StartAgentAsync(string central, Dictionary<string, string>? environment = null, params string[] switches)
    {
        var data = Directory.CreateTempSubdirectory("steward-edge-").FullName;
        var agent = await HostProcess.StartAsync(HostProcess.Agent, environment ?? new Dictionary<string, string>(),
            ["--node", Names.Next("ship"), "--broker", broker.Url, "--data", data, "--central", central, .. switches]);
        await Until.TrueAsync("the agent listens on its socket", () => File.Exists(Path.Combine(data, "steward.sock")));
        return (agent, data);
    }

    /// <summary>Writes the file under a temporary name and renames it, as a careful operator (or tool) does.</summary>
    private static async Task DropAsync(string inbox, string name, string json)
    {
        var temporary = Path.Combine(inbox, name + ".tmp");
        await File.WriteAllTextAsync(temporary, json);
        File.Move(temporary, Path.Combine(inbox, name));
    }

    private static async Task MakeFifoAsync(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        await mkfifo.WaitForExitAsync();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static async Task<string> SendOverSocketAsync(string path, string json)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        await socket.SendAsync(Encoding.UTF8.GetBytes(json));   // like netcat: no shutdown, the node reads one JSON value
        using var reader = new StreamReader(new NetworkStream(socket, ownsSocket: false), Encoding.UTF8);
        return await reader.ReadLineAsync() ?? "";
    }
}
