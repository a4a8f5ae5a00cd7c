using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Fleet;

/// <summary>
/// Twelve real agents on the broker with three label sets, each saying hello every second: selectors, name patterns
/// and onlyOnline reach exactly their nodes, as the preview said; labels an operator sets on central win and stay.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class FleetTargetingTests(NatsServerFixture broker) : GatewayTest(broker)
{
    private readonly List<NodeRuntime> _agents = [];
    private readonly string _fleet = Names.Next("fleet");   // a label of this test's nodes only: other tests' nodes share the gateway's key ring

    // Online: a hello within 2 × 2 s; the agents say hello every second.
    protected override void Configure(GatewayFactory gateway) => gateway.Settings["Steward:HelloIntervalSeconds"] = "2";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var agent in _agents) await agent.DisposeAsync();
    }

    /// <summary>Four of each: web in the north, web in the south, db in the north; named &lt;fleet&gt;-&lt;site&gt;-&lt;role&gt;-&lt;n&gt;.</summary>
    private async Task StartFleetAsync()
    {
        var sets = new[] { ("north", "web"), ("south", "web"), ("north", "db") };
        _agents.AddRange(await Task.WhenAll(sets.SelectMany(set => Enumerable.Range(1, 4).Select(n => TestNode.StartAsync(Broker.Url, $"{_fleet}-{set.Item1}-{set.Item2}-{n}",
            o => (o.CentralNodeName, o.HelloIntervalSeconds, o.Labels) = (Gateway.NodeName, 1, $"fleet={_fleet},site={set.Item1},role={set.Item2}"))))));
        await Until.TrueAsync("all twelve said hello", async () =>
            (await NodesAsync($"fleet={_fleet}")).Count(n => n.GetProperty("online").GetBoolean()) == 12);
    }

    private async Task<JsonElement[]> NodesAsync(string selector) =>
        (await Client.GetFromJsonAsync<JsonElement[]>($"/nodes?selector={Uri.EscapeDataString(selector)}"))!;

    private List<string> Named(string site, string? role = null) =>
        _agents.Select(a => a.NodeName).Where(n => n.StartsWith($"{_fleet}-{site}-{role}", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_selector_a_name_pattern_and_only_online_reach_exactly_their_nodes_as_the_preview_said()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await StartFleetAsync();

        var webNotSouth = await SendAsPreviewedAsync(new { selector = $"fleet={_fleet},role=web,site!=south", method = "REQCliCommand", methodArgs = new[] { "true" } }, timeout.Token);
        var dbOrWeb = await SendAsPreviewedAsync(new { selector = $"fleet={_fleet},role in (web,db),site notin (south)", method = "REQNone" }, timeout.Token);
        var north = await SendAsPreviewedAsync(new { toNodes = new[] { $"{_fleet}-north-*" }, method = "REQCliCommand", methodArgs = new[] { "true" } }, timeout.Token);
        var oneOfEach = await SendAsPreviewedAsync(new { toHosts = new[] { $"{_fleet}-?????-???-1", $"{_fleet}-north-db-1" }, method = "REQNone" }, timeout.Token);

        Assert.Equal(Named("north", "web"), webNotSouth);
        Assert.Equal(Named("north"), dbOrWeb);
        Assert.Equal(Named("north"), north);
        Assert.Equal([$"{_fleet}-north-db-1", $"{_fleet}-north-web-1", $"{_fleet}-south-web-1"], oneOfEach);

        var stopped = _agents.Single(a => a.NodeName == $"{_fleet}-north-web-2");
        await stopped.DisposeAsync();
        _agents.Remove(stopped);
        await Until.TrueAsync("the stopped agent is offline", async () =>
            !(await NodesAsync($"fleet={_fleet}")).Single(n => n.GetProperty("name").GetString() == stopped.NodeName).GetProperty("online").GetBoolean());
        var online = await SendAsPreviewedAsync(new { selector = $"fleet={_fleet},site=north", onlyOnline = true, method = "REQCliCommand", methodArgs = new[] { "true" } }, timeout.Token);

        Assert.Equal(Named("north").Where(n => n != stopped.NodeName), online);
    }

    /// <summary>
    /// Previews the batch, sends it, and follows it to its end: the batch reaches the previewed nodes, records its selector
    /// and resolved nodes, and every one of them ends done (with a reply from that node, for a command). Gives the nodes.
    /// </summary>
    private async Task<List<string>> SendAsPreviewedAsync(object batch, CancellationToken ct)
    {
        var preview = await (await Client.PostAsync("/messages/batch/preview", JsonContent.Create(batch), ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        var previewed = preview.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Equal(previewed.Count, preview.GetProperty("count").GetInt32());

        var posted = await Client.PostAsync("/messages/batch", JsonContent.Create(batch), ct);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var batchId = (await posted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("batchId").GetInt64();
        var replied = new HashSet<string>();
        await foreach (var e in ServerSentEvents.ReadAsync(Client, $"/batches/{batchId}/events", ct: ct))
            if (e.Event == "reply") replied.Add(e.Field("node"));
        var view = await Client.GetFromJsonAsync<JsonElement>($"/batches/{batchId}", ct);

        Assert.Equal(previewed, view.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!));
        Assert.Equal(previewed.Order(), view.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("toNode").GetString()!).Order());
        Assert.All(view.GetProperty("messages").EnumerateArray(), m => Assert.Equal("done", m.GetProperty("state").GetString()));
        Assert.Equal(JsonSerializer.Serialize(batch).Contains("selector", StringComparison.Ordinal), view.TryGetProperty("selector", out _));
        if (JsonSerializer.Serialize(batch).Contains("REQCliCommand", StringComparison.Ordinal)) Assert.Equal(previewed.Order(), replied.Order());
        return previewed.Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task A_selector_or_a_pattern_that_matches_nothing_is_a_400_naming_it_and_nothing_is_sent()
    {
        await StartFleetAsync();

        var selector = await Client.PostAsync("/messages/batch", JsonContent.Create(new { selector = $"fleet={_fleet},role=cache", method = "REQNone" }));
        var pattern = await Client.PostAsync("/messages/batch/preview", JsonContent.Create(new { toNodes = new[] { $"{_fleet}-east-*" }, method = "REQNone" }));
        var single = await Client.PostAsync("/messages", JsonContent.Create(new { selector = $"fleet={_fleet},role=cache", method = "REQNone" }));

        foreach (var (answer, field) in new[] { (selector, "selector"), (pattern, "toNodes"), (single, "selector") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            var problem = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(field)[0].GetString();
            Assert.Contains("matches none of the", problem, StringComparison.Ordinal);
        }
        // Central's own messages (a REQKeysUpdate to an agent whose hello named an older key set) may be there.
        var sent = await Client.GetFromJsonAsync<JsonElement>($"/messages?node={_agents[0].NodeName}");
        Assert.DoesNotContain(sent.GetProperty("messages").EnumerateArray(), m => m.GetProperty("method").GetString() == "REQNone");
    }

    [Fact]
    public async Task Labels_an_operator_sets_win_over_the_nodes_own_stay_through_its_hellos_and_are_matched_by_selectors()
    {
        await StartFleetAsync();
        var canary = $"{_fleet}-south-web-3";

        var set = await Client.PutAsJsonAsync($"/nodes/{canary}/labels", new Dictionary<string, string> { ["tier"] = "canary", ["site"] = "east" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var hello = (await NodesAsync($"fleet={_fleet}")).Single(n => n.GetProperty("name").GetString() == canary).GetProperty("lastSeen").GetDateTime();
        await Until.TrueAsync("the canary said hello again", async () =>
            (await NodesAsync($"fleet={_fleet}")).Single(n => n.GetProperty("name").GetString() == canary).GetProperty("lastSeen").GetDateTime() > hello);
        var listed = Assert.Single(await NodesAsync($"fleet={_fleet},tier=canary"));
        var preview = await (await Client.PostAsync("/messages/batch/preview", JsonContent.Create(new { selector = $"fleet={_fleet},site=east", method = "REQNone" })))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(canary, listed.GetProperty("name").GetString());
        Assert.Equal(("east", "canary", "web"), (listed.GetProperty("labels").GetProperty("site").GetString(),
            listed.GetProperty("labels").GetProperty("tier").GetString(), listed.GetProperty("labels").GetProperty("role").GetString()));
        Assert.Equal("east", listed.GetProperty("operatorLabels").GetProperty("site").GetString());
        Assert.Equal([canary], preview.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()));

        var bad = await Client.PutAsJsonAsync($"/nodes/{canary}/labels", new Dictionary<string, string> { ["ti er"] = "canary" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("ti er", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PutAsJsonAsync($"/nodes/{Names.Next("ghost")}/labels", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync($"/nodes/{canary}/labels", new Dictionary<string, string>())).StatusCode);
        var cleared = (await NodesAsync($"fleet={_fleet}")).Single(n => n.GetProperty("name").GetString() == canary);
        Assert.Equal("south", cleared.GetProperty("labels").GetProperty("site").GetString());
        Assert.False(cleared.TryGetProperty("operatorLabels", out _));
    }
}
