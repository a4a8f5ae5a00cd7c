using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

[Collection(BrokerCollection.Name)]
public sealed class BatchTests(NatsServerFixture broker) : GatewayTest(broker)
{
    private readonly List<NodeRuntime> _agents = [];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var agent in _agents) await agent.DisposeAsync();
    }

    [Fact]
    public async Task A_fan_out_to_20_nodes_shows_the_replies_of_the_15_up_before_any_of_the_5_down_fails()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var up = await Task.WhenAll(Enumerable.Range(0, 15).Select(_ => TestNode.StartAsync(Broker.Url, Names.Next("ship"))));
        _agents.AddRange(up);
        var down = Enumerable.Range(0, 5).Select(_ => Names.Next("ghost")).ToList();
        var hosts = up.Select(n => n.NodeName).Concat(down).ToList();

        var posted = await Client.PostAsync("/messages/batch", JsonContent.Create(new
        {
            toHosts = hosts, method = "REQCliCommand", methodArgs = new[] { "echo", "up" }, ACKTimeout = 1, retries = 5, retryWait = 1,
        }), timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var accepted = await posted.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
        var batchId = accepted.GetProperty("batchId").GetInt64();
        Assert.Equal(hosts.Order(), accepted.GetProperty("ids").EnumerateObject().Select(p => p.Name).Order());

        var repliesBeforeFirstFailure = new HashSet<string>();
        await foreach (var e in ServerSentEvents.ReadAsync(Client, $"/batches/{batchId}/events", ct: timeout.Token))
        {
            if (e.Field("state") == "failed") break;
            if (e.Event == "reply") repliesBeforeFirstFailure.Add(e.Field("node"));
            if (repliesBeforeFirstFailure.Count == up.Length) break;
        }
        Assert.Equal(up.Select(n => n.NodeName).Order(), repliesBeforeFirstFailure.Order());

        var view = await Until.ValueAsync("the down nodes' messages failed", async () =>
        {
            var batch = await Client.GetFromJsonAsync<JsonElement>($"/batches/{batchId}", timeout.Token);
            return batch.GetProperty("summary").GetProperty("failed").GetInt32() == 5 ? (JsonElement?)batch : null;
        }, TimeSpan.FromSeconds(60));
        var summary = view!.Value.GetProperty("summary");
        Assert.Equal((20, 15, 0), (summary.GetProperty("total").GetInt32(), summary.GetProperty("done").GetInt32(), summary.GetProperty("inProgress").GetInt32()));
    }

    [Fact]
    public async Task A_batch_is_one_message_object_and_an_unknown_batch_is_a_404()
    {
        var array = await Client.PostAsync("/messages/batch", new StringContent("""[{"toHosts":["a"],"method":"REQNone"}]""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, array.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/batches/424242")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/batches/424242/events")).StatusCode);
    }

    [Fact]
    public async Task Local_and_the_gateways_own_name_are_one_destination_and_relayed_fan_outs_are_keyed_by_the_far_node()
    {
        var self = await Client.PostAsync("/messages/batch", JsonContent.Create(new { toNodes = new[] { "local", Gateway.NodeName }, method = "REQNone" }));
        var relayed = await Client.PostAsync("/messages/batch", JsonContent.Create(new { toHosts = new[] { "far1", "far2" }, relayViaNode = "hub", method = "REQNone" }));

        Assert.Equal(HttpStatusCode.Accepted, self.StatusCode);
        Assert.Equal([Gateway.NodeName], (await self.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids").EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.Accepted, relayed.StatusCode);
        Assert.Equal(["far1", "far2"], (await relayed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids").EnumerateObject().Select(p => p.Name).Order());
    }
}
