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
        await Until.TrueAsync("central has the file", () => File.Exists(file));
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

    private async Task<(HostProcess Agent, string Data)> StartAgentAsync(string central)
    {
        var data = Directory.CreateTempSubdirectory("steward-edge-").FullName;
        var agent = await HostProcess.StartAsync(HostProcess.Agent, "--node", Names.Next("ship"), "--broker", broker.Url, "--data", data, "--central", central);
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

    private static async Task<string> SendOverSocketAsync(string path, string json)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        await socket.SendAsync(Encoding.UTF8.GetBytes(json));   // like netcat: no shutdown, the node reads one JSON value
        using var reader = new StreamReader(new NetworkStream(socket, ownsSocket: false), Encoding.UTF8);
        return await reader.ReadLineAsync() ?? "";
    }
}
