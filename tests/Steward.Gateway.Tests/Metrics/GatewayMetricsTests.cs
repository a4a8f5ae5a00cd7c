using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> after known traffic, read by Prometheus's own text-format parser: the counts move by exactly
/// what happened, the histograms hold one observation per message, and the gauges follow the fleet and the streams.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class GatewayMetricsTests(NatsServerFixture broker) : GatewayTest(broker)
{
    private NodeRuntime _agent = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _agent = await TestNode.StartAsync(Broker.Url, Names.Next("ship"), o => (o.CentralNodeName, o.HelloIntervalSeconds) = (Gateway.NodeName, 1));
    }

    public override async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await PrometheusText.ParseAsync(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_counts_move_by_the_messages_done_failed_retried_and_refused()
    {
        var before = await ScrapeAsync();
        Assert.Equal(0, before.Value("steward_messages_final_total", "method=REQCliCommand", "state=done"));

        const int commands = 3;
        var ids = new List<long>();
        for (var i = 0; i < commands; i++) ids.AddRange(await Client.PostMessagesAsync($$"""{"toNode":"{{_agent.NodeName}}","method":"REQCliCommand","methodArgs":["true"]}"""));
        var failed = (await Client.PostMessagesAsync($$"""{"toNode":"{{Names.Next("ghost")}}","method":"REQCliCommand","methodArgs":["true"],"ACKTimeout":1,"retries":1,"retryWait":1}"""))[0];
        foreach (var id in ids) await Until.TrueAsync($"message {id} is done", async () => await Client.StateOfAsync(id) == "done", TimeSpan.FromSeconds(30));
        await Until.TrueAsync("the message to a node that never answers failed", async () => await Client.StateOfAsync(failed) == "failed", TimeSpan.FromSeconds(30));
        await using (var forger = await Forger.ConnectAsync(Broker.Url, Directory.CreateTempSubdirectory("steward-stranger-").FullName))
        {
            var forged = new Message
            {
                Id = 1, CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), FromNode = _agent.NodeName, ToNode = Gateway.NodeName,
                Method = Methods.CliCommand, MethodArgs = ["true"],
            };
            Assert.False((await forger.SendAsync(Gateway.NodeName, Methods.CliCommand, forger.Sign(forged))).Accepted);
        }

        var after = await ScrapeAsync();

        Assert.Equal(commands + 1, after.Value("steward_messages_accepted_total", "method=REQCliCommand"));
        // The agent's replies are its own counts (it runs in this process too): not central's.
        Assert.Equal(0, after.Value("steward_messages_accepted_total", "method=REQToFileAppend"));
        Assert.Equal(commands, after.Value("steward_messages_final_total", "method=REQCliCommand", "state=done"));
        Assert.Equal(1, after.Value("steward_messages_final_total", "method=REQCliCommand", "state=failed"));
        Assert.Equal(1, after.Value("steward_delivery_retries_total", "method=REQCliCommand"));
        Assert.Equal(1, after.Value("steward_inbound_rejected_total", "reason=untrusted"));
        // One observation per message: each done one was ACKed (or replied to) once and ended once; the failed one neither.
        Assert.Equal(commands, after.Value("steward_delivery_ack_duration_seconds_count", "method=REQCliCommand"));
        Assert.Equal(commands, after.Value("steward_delivery_done_duration_seconds_count", "method=REQCliCommand"));
        Assert.Equal(commands, after.Value("steward_delivery_done_duration_seconds_bucket", "method=REQCliCommand", "le=+Inf"));
        Assert.True(after.Value("steward_sqlite_commit_duration_seconds_count") > before.Value("steward_sqlite_commit_duration_seconds_count"));
    }

    [Fact]
    public async Task Refused_messages_add_no_time_series_whatever_they_name()
    {
        var evil = $"REQEvil{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Message Hostile(long id) => new()
        {
            Id = id, CreatedAt = now, FromNode = _agent.NodeName, ToNode = Gateway.NodeName, Method = evil, ReplyMethod = evil, MethodArgs = [evil],
        };
        // Signed with the enrolled agent's own key (a node gone rogue), with a stranger's key, and not signed at all.
        await using (var rogue = await Forger.ConnectAsync(Broker.Url, _agent.Context.DataFolder))
            Assert.False((await rogue.SendAsync(Gateway.NodeName, Methods.CliCommand, rogue.Sign(Hostile(now)))).Accepted);
        await using (var stranger = await Forger.ConnectAsync(Broker.Url, Directory.CreateTempSubdirectory("steward-stranger-").FullName))
        {
            Assert.False((await stranger.SendAsync(Gateway.NodeName, Methods.CliCommand, stranger.Sign(Hostile(now + 1)))).Accepted);
            Assert.False((await stranger.SendAsync(Gateway.NodeName, Methods.CliCommand, Forger.WithoutSignature(Hostile(now + 2)))).Accepted);
        }

        var after = (await ScrapeAsync()).Samples.Where(s => s.Name.StartsWith("steward_", StringComparison.Ordinal)).ToList();

        Assert.DoesNotContain(after, s => s.Labels.Values.Any(v => v.Contains(evil, StringComparison.Ordinal)));
        var reasons = after.Where(s => s.Name == "steward_inbound_rejected_total").Select(s => s.Labels["reason"]).ToHashSet();
        Assert.Subset(new HashSet<string> { "invalid", "untrusted", "refused", "replay" }, reasons);
    }

    [Fact]
    public async Task The_gauges_follow_the_nodes_online_and_the_open_event_streams()
    {
        await Until.TrueAsync("the agent's hello made it online", async () => (await ScrapeAsync()).Value("steward_nodes_online") == 1);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/errors/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var stream = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        await Until.TrueAsync("the open stream is counted", async () => (await ScrapeAsync()).Value("steward_gateway_event_streams") == 1);
        stream.Dispose();
        await Until.TrueAsync("the closed stream is no longer counted", async () => (await ScrapeAsync()).Value("steward_gateway_event_streams") == 0);
    }

    [Fact]
    public async Task The_hello_brings_the_agents_counters_to_central_and_GET_nodes_shows_them()
    {
        await Client.PostMessagesAsync($$"""{"toNode":"{{_agent.NodeName}}","method":"REQCliCommand","methodArgs":["true"]}""");
        await using (var forger = await Forger.ConnectAsync(Broker.Url, Directory.CreateTempSubdirectory("steward-stranger-").FullName))
            await forger.SendAsync(_agent.NodeName, Methods.Ping, Forger.WithoutSignature(new Message
            {
                Id = 1, CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), FromNode = Gateway.NodeName, ToNode = _agent.NodeName, Method = Methods.Ping,
            }));
        // The agent's reply ends done there once central ACKs it; its next hello (every second here) says so.
        await Until.TrueAsync("the agent's counters reached central", async () =>
            await MetricsOfAgentAsync() is { } m && m.GetProperty("done").GetInt64() >= 1 && m.GetProperty("rejected").GetInt64() == 1, TimeSpan.FromSeconds(30));
    }

    private async Task<JsonElement?> MetricsOfAgentAsync()
    {
        var nodes = await Client.GetFromJsonAsync<JsonElement>("/nodes");
        var agent = nodes.EnumerateArray().FirstOrDefault(n => n.GetProperty("name").GetString() == _agent.NodeName);
        return agent.ValueKind == JsonValueKind.Object && agent.TryGetProperty("metrics", out var metrics) ? metrics : null;
    }

    [Fact]
    public async Task Metrics_need_an_operator_token()
    {
        using var anonymous = Gateway.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
    }
}
