using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

[Collection(BrokerCollection.Name)]
public sealed class PostingMessagesTests(NatsServerFixture broker) : GatewayTest(broker)
{
    private readonly string _ship = Names.Next("ship");
    private NodeRuntime _agent = null!;

    public override async Task InitializeAsync()
    {
        _agent = await TestNode.StartAsync(Broker.Url, _ship);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _agent.DisposeAsync();
    }

    [Fact]
    public async Task Echo_on_a_node_streams_its_output_over_SSE_and_lands_in_central_data_folder()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{_ship}}","method":"REQCliCommand","methodArgs":["bash","-c","echo hello from {{_ship}}"]}""");

        var events = await Client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);

        var reply = Assert.Single(events, e => e.Event == "reply");
        Assert.Equal($"hello from {_ship}\n", JsonDocument.Parse(reply.Data).RootElement.GetProperty("output").GetString());
        Assert.Equal("done", JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("state").GetString());
        var file = Path.Combine(Gateway.DataFolder, "data", _ship, "REQCliCommand.log");
        Assert.Equal($"hello from {_ship}\n", await File.ReadAllTextAsync(file, timeout.Token));
    }

    [Fact]
    public async Task An_array_of_two_messages_gets_two_ids_and_both_replies_arrive()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = await Client.PostMessagesAsync($$"""
            [{"toNode":"{{_ship}}","method":"REQCliCommand","methodArgs":["echo","first"],"fileName":"one.txt"},
             {"toNode":"{{_ship}}","method":"REQCliCommand","methodArgs":["echo","second"],"fileName":"two.txt"}]
            """);

        Assert.Equal(2, ids.Length);
        Assert.NotEqual(ids[0], ids[1]);
        var outputs = await Task.WhenAll(ids.Select(async id =>
            (await Client.ReadEventsUntilFinalAsync(id, timeout.Token)).Single(e => e.Event == "reply").Data));
        Assert.Contains("first", outputs[0], StringComparison.Ordinal);
        Assert.Contains("second", outputs[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_late_reader_of_a_finished_message_gets_every_event_and_the_stream_ends()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{_ship}}","method":"REQCliCommand","methodArgs":["echo","early"]}""");
        await Client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);

        var again = await Client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);

        Assert.Equal(["queued", "sent", "acked", "replied", "done"],
            again.Where(e => e.Event == "state").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("state").GetString()));
        Assert.All(again, e => Assert.EndsWith("Z", JsonDocument.Parse(e.Data).RootElement.GetProperty("at").GetString(), StringComparison.Ordinal));
        var view = await Client.GetFromJsonAsync<JsonElement>($"/messages/{ids[0]}", timeout.Token);
        Assert.Equal("early\n", view.GetProperty("replies")[0].GetString());
    }

    [Fact]
    public async Task An_unknown_message_id_is_a_404_problem()
    {
        var response = await Client.GetAsync("/messages/987654");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
