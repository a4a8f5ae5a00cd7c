using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

[Collection(BrokerCollection.Name)]
public sealed class DeliveryGuaranteesTests(NatsServerFixture broker) : GatewayTest(broker)
{
    private readonly RunCounter _runs = new();

    [Fact]
    public async Task A_node_that_never_starts_ends_failed_on_the_stream_and_in_the_error_log()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ghost = Names.Next("ghost");
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{ghost}}","method":"REQCliCommand","methodArgs":["true"],"ACKTimeout":1,"retries":2,"retryWait":1}""");

        var events = await Client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);

        Assert.Equal("failed", events[^1].Field("state"));
        // One event per state, not per attempt: a message retrying for days costs one row of events, and its attempts are counted on it.
        Assert.Equal(["1", "2"], events.Where(e => e.Field("state") is "sent" or "retrying").Select(e => e.Field("attempt")));
        Assert.Equal("3", events[^1].Field("attempt"));
        var errorLog = Path.Combine(Gateway.DataFolder, "data", "errorLog", Gateway.NodeName, "error.log");
        await Until.TrueAsync("the error log has the line", () => File.Exists(errorLog));
        var line = Assert.Single(await File.ReadAllLinesAsync(errorLog, timeout.Token));
        Assert.Matches($@"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ, node: {Gateway.NodeName}, toNode: {ghost}, fromNode: {Gateway.NodeName}, method: REQCliCommand: max retries reached, check if node is up and running and if it got a subscriber for the given REQ type \(message {Gateway.NodeName}/{ids[0]}\)$", line);
    }

    [Fact]
    public async Task Cancelling_a_message_that_is_being_retried_stops_it_and_it_never_runs()
    {
        var ship = Names.Next("ship");
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{ship}}","method":"REQCliCommand","methodArgs":{{JsonSerializer.Serialize(_runs.Command("cancelled"))}},"ACKTimeout":1,"retries":50,"retryWait":1}""");
        await Until.TrueAsync("the message is being retried", async () => await Client.StateOfAsync(ids[0]) == "retrying");

        var cancel = await Client.DeleteAsync($"/messages/{ids[0]}");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        await using var node = await TestNode.StartAsync(Broker.Url, ship);
        var later = await Client.PostMessagesAsync($$"""{"toNode":"{{ship}}","method":"REQCliCommand","methodArgs":{{JsonSerializer.Serialize(_runs.Command("later"))}}}""");
        await Until.TrueAsync("the later message is done", async () => await Client.StateOfAsync(later[0]) == "done");
        Assert.Equal(["later"], _runs.Lines);
        Assert.Equal("cancelled", await Client.StateOfAsync(ids[0]));
    }

    [Fact]
    public async Task Cancelling_a_running_command_kills_it_on_the_node()
    {
        await using var node = await TestNode.StartAsync(Broker.Url, Names.Next("ship"));
        var marker = $"steward-cancel-{Guid.NewGuid():N}";
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{node.NodeName}}","method":"REQCliCommand","methodArgs":["bash","-c","exec -a {{marker}} sleep 300"],"methodTimeout":-1}""");
        await Until.TrueAsync("the command runs", () => Processes.WithCommandLine(marker).Any());

        var cancel = await Client.DeleteAsync($"/messages/{ids[0]}");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await Until.TrueAsync("the command's process is gone", () => !Processes.WithCommandLine(marker).Any());
        Assert.Equal("cancelled", await Client.StateOfAsync(ids[0]));
    }

    [Fact]
    public async Task Cancelling_a_finished_message_is_a_409_and_an_unknown_one_a_404()
    {
        await using var node = await TestNode.StartAsync(Broker.Url, Names.Next("ship"));
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{node.NodeName}}","method":"REQCliCommand","methodArgs":["true"]}""");
        await Until.TrueAsync("the message is done", async () => await Client.StateOfAsync(ids[0]) == "done");

        Assert.Equal(HttpStatusCode.Conflict, (await Client.DeleteAsync($"/messages/{ids[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync("/messages/99999999")).StatusCode);
    }

    [Fact]
    public async Task A_line_of_the_audit_log_posted_again_recreates_the_same_message()
    {
        await using var node = await TestNode.StartAsync(Broker.Url, Names.Next("ship"));
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{node.NodeName}}","method":"REQCliCommand","methodArgs":["echo","again"],"fileName":"again.txt","retries":7}""");
        var auditLog = Path.Combine(Gateway.DataFolder, "audit.log");
        string? line = null;
        await Until.TrueAsync("the audit log has the message", () =>
            (line = File.Exists(auditLog) ? File.ReadLines(auditLog).FirstOrDefault(l => l.Contains($"\"id\":{ids[0]},", StringComparison.Ordinal)) : null) is not null);

        var original = JsonDocument.Parse(line!).RootElement.GetProperty("message");
        var again = await Client.PostMessagesAsync(original.GetRawText());

        var recreated = await Until.ValueAsync("the recreated message is in the audit log", () =>
            File.ReadLines(auditLog).FirstOrDefault(l => l.Contains($"\"id\":{again[0]},", StringComparison.Ordinal)));
        var copy = JsonDocument.Parse(recreated).RootElement.GetProperty("message");
        Assert.Equal(Without(original, "id", "createdAt"), Without(copy, "id", "createdAt"));
        await Until.TrueAsync("the recreated message is done", async () => await Client.StateOfAsync(again[0]) == "done");
        Assert.Equal("again\nagain\n", await File.ReadAllTextAsync(Path.Combine(Gateway.DataFolder, "data", node.NodeName, "again.txt")));
    }

    private static string Without(JsonElement message, params string[] fields) =>
        JsonSerializer.Serialize(message.EnumerateObject().Where(p => !fields.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Value));
}
