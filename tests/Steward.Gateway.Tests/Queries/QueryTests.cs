using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Queries;

[Collection(BrokerCollection.Name)]
public sealed class QueryTests(NatsServerFixture broker) : GatewayTest(broker)
{

    [Fact]
    public async Task Messages_are_listed_newest_first_filtered_and_paged()
    {
        var ship = Names.Next("ship");
        var ids = await Client.PostMessagesAsync($$"""
            [{"toNode":"{{ship}}","method":"REQNone"},{"toNode":"{{ship}}","method":"REQPing"},{"toNode":"{{ship}}","method":"REQNone"},
             {"toNode":"{{Names.Next("other")}}","method":"REQNone"}]
            """);

        var first = await Client.GetFromJsonAsync<JsonElement>($"/messages?node={ship}&method=REQNone&limit=1");
        var next = first.GetProperty("next").GetInt64();
        var second = await Client.GetFromJsonAsync<JsonElement>($"/messages?node={ship}&method=REQNone&limit=1&after={next}");

        Assert.Equal(ids[2], first.GetProperty("messages")[0].GetProperty("id").GetInt64());
        Assert.Equal(ids[0], second.GetProperty("messages")[0].GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("state=finished", "state")]
    [InlineData("method=REQNope", "method")]
    [InlineData("limit=0", "limit")]
    [InlineData("node=a.b", "node")]
    public async Task A_bad_filter_is_a_400_naming_it(string query, string field)
    {
        var response = await Client.GetAsync($"/messages?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Nodes_that_said_hello_are_listed_online()
    {
        await using var ship = await TestNode.StartAsync(Broker.Url, Names.Next("ship"), o => o.CentralNodeName = Gateway.NodeName);

        // Enrolled nodes are listed before they say hello; this one is listed as seen once its hello came.
        var listed = await Until.ValueAsync("the node is listed as seen", async () =>
            (await Client.GetFromJsonAsync<JsonElement[]>("/nodes"))!.Select(n => (JsonElement?)n)
                .FirstOrDefault(n => n!.Value.GetProperty("name").GetString() == ship.NodeName && n.Value.TryGetProperty("lastSeen", out _)));

        Assert.True(listed!.Value.GetProperty("online").GetBoolean());
        Assert.False(string.IsNullOrEmpty(listed.Value.GetProperty("os").GetString()));
    }

    [Fact]
    public async Task Nodes_are_listed_with_their_labels_and_filtered_by_a_selector()
    {
        var site = Names.Next("site");
        await using var web = await TestNode.StartAsync(Broker.Url, Names.Next("web"), o => (o.CentralNodeName, o.Labels) = (Gateway.NodeName, $"role=web,site={site}"));
        await using var db = await TestNode.StartAsync(Broker.Url, Names.Next("db"), o => (o.CentralNodeName, o.Labels) = (Gateway.NodeName, $"role=db,site={site}"));

        var both = await Until.ValueAsync("both nodes said hello", async () =>
            await Client.GetFromJsonAsync<JsonElement[]>($"/nodes?selector=site={site}") is { Length: 2 } nodes ? nodes : null);
        var webOnly = await Client.GetFromJsonAsync<JsonElement[]>($"/nodes?selector=site={site},role notin (db)");

        Assert.Equal([db.NodeName, web.NodeName], both.Select(n => n.GetProperty("name").GetString()));
        Assert.Equal("linux", both[0].GetProperty("labels").GetProperty("os").GetString());
        Assert.Equal(web.NodeName, Assert.Single(webOnly!).GetProperty("name").GetString());
        var bad = await Client.GetAsync("/nodes?selector=role in web");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("selector", out _));
    }

    [Fact]
    public async Task Errors_are_listed_and_streamed_live()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ghost = Names.Next("ghost");
        var live = ServerSentEvents.ReadAsync(Client, "/errors/events", ct: timeout.Token).GetAsyncEnumerator(timeout.Token);
        var firstLive = live.MoveNextAsync().AsTask();

        await Client.PostMessagesAsync($$"""{"toNode":"{{ghost}}","method":"REQNone","ACKTimeout":1,"retries":1,"retryWait":1}""");

        Assert.True(await firstLive);
        Assert.Contains($"toNode: {ghost}", live.Current.Field("line"), StringComparison.Ordinal);
        var listed = await Client.GetFromJsonAsync<JsonElement[]>("/errors?limit=1000", timeout.Token);
        Assert.Contains(listed!, e => e.GetProperty("line").GetString()!.Contains($"toNode: {ghost}", StringComparison.Ordinal));
        await live.DisposeAsync();
    }
}
