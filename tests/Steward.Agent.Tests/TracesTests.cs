using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>
/// Traces end to end (docs/traces.md): the gateway and two agents, each a real process exporting over OTLP to a collector
/// in the test; one operator request is one trace, from the HTTP request through each agent to each reply.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TracesTests(NatsServerFixture broker) : IAsyncLifetime
{
    private const string Token = "traces-test-token";
    private readonly OtlpCollector _collector = new();
    private readonly List<HostProcess> _hosts = [];
    private readonly string _central = Names.Next("central");
    private readonly string[] _ships = [Names.Next("ship"), Names.Next("ship")];
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _collector.StartAsync();
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        // Every node's key first: each process is given the keys of the others as it starts.
        var data = new[] { _central }.Concat(_ships).ToDictionary(n => n, n => Directory.CreateTempSubdirectory($"steward-{n}-").FullName);
        foreach (var (node, folder) in data) TestFleet.EnrollFolder(node, folder);
        // OTEL_BSP_SCHEDULE_DELAY: the SDK's batch exporter sends every 100 ms instead of every 5 s.
        var exporting = new Dictionary<string, string> { ["Steward__OtlpEndpoint"] = _collector.Url, ["OTEL_BSP_SCHEDULE_DELAY"] = "100" };
        _hosts.Add(await HostProcess.StartAsync(HostProcess.Gateway, new Dictionary<string, string>(exporting) { ["Steward__ApiToken"] = Token },
            "--node", _central, "--central", _central, "--broker", broker.Url, "--data", data[_central], "--urls", url));
        foreach (var ship in _ships)
            _hosts.Add(await HostProcess.StartAsync(HostProcess.Agent, exporting, "--node", ship, "--central", _central, "--broker", broker.Url, "--data", data[ship]));
        _client = new HttpClient { BaseAddress = new Uri(url) };
        _client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        foreach (var host in _hosts) await host.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task A_command_to_two_agents_is_one_trace_from_the_HTTP_request_through_each_agent_to_each_reply()
    {
        using var posted = await _client.PostAsync("/messages/batch",
            JsonContent.Create(new { toHosts = _ships, method = "REQCliCommand", methodArgs = new[] { "echo", "traced" } }));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var accepted = await posted.Content.ReadFromJsonAsync<JsonElement>();
        var ids = _ships.ToDictionary(s => s, s => accepted.GetProperty("ids").GetProperty(s).GetInt64());
        await Until.TrueAsync("both nodes replied and the batch is done", async () =>
            (await _client.GetFromJsonAsync<JsonElement>($"/batches/{accepted.GetProperty("batchId").GetInt64()}")).GetProperty("summary").GetProperty("done").GetInt32() == 2,
            TimeSpan.FromSeconds(30));

        var request = await Until.ValueAsync("the gateway exported the span of the POST", () => _collector.Spans.FirstOrDefault(s =>
            s is { Service: HostProcess.Gateway, Kind: CollectedSpan.Server } && (string?)s["http.route"] == "/messages/batch"));
        // Every span of the operation, from every process, in the request's trace: two publishes, two handles, two
        // replies published, two replies handled.
        List<CollectedSpan> trace = [];
        await Until.TrueAsync("every process exported its spans of the request's trace", () =>
        {
            trace = _collector.Spans.Where(s => s.TraceId == request.TraceId && s != request).ToList();
            return trace.Count(s => s.Name == "handle REQToFileAppend") == 2;
        }, TimeSpan.FromSeconds(30));
        Assert.Null(request.ParentSpanId);   // the operator sent no trace of their own: the request is the root
        foreach (var ship in _ships)
        {
            var publish = Assert.Single(trace, s => s.Name == "publish REQCliCommand" && (string?)s["steward.to_node"] == ship);
            Assert.Equal((HostProcess.Gateway, CollectedSpan.Producer, request.SpanId), (publish.Service, publish.Kind, publish.ParentSpanId));
            Assert.Equal(ids[ship], publish["steward.message.id"]);
            var handle = Assert.Single(trace, s => s.Name == "handle REQCliCommand" && (string?)s["steward.node"] == ship);
            Assert.Equal((HostProcess.Agent, CollectedSpan.Consumer, publish.SpanId), (handle.Service, handle.Kind, handle.ParentSpanId));
            Assert.Equal((ids[ship], "REQCliCommand", _central, 0L), (handle["steward.message.id"], handle["steward.method"], handle["steward.from_node"], handle["steward.exit_code"]));
            var reply = Assert.Single(trace, s => s.Name == "publish REQToFileAppend" && (string?)s["steward.node"] == ship);
            Assert.Equal((HostProcess.Agent, handle.SpanId), (reply.Service, reply.ParentSpanId));
            var replyHandled = Assert.Single(trace, s => s.Name == "handle REQToFileAppend" && (string?)s["steward.from_node"] == ship);
            Assert.Equal((HostProcess.Gateway, reply.SpanId), (replyHandled.Service, replyHandled.ParentSpanId));
        }
        Assert.Equal(8, trace.Count);
        Assert.DoesNotContain(_collector.Spans, s => s.Name.EndsWith(" REQHello", StringComparison.Ordinal));   // a heartbeat, not an operation
    }

    [Fact]
    public async Task A_clients_traceparent_header_makes_the_request_and_what_it_sends_part_of_the_clients_trace()
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        const string ClientSpan = "b7ad6b7169203331";
        using var post = new HttpRequestMessage(HttpMethod.Post, "/messages")
        {
            Content = JsonContent.Create(new { toNode = _ships[0], method = "REQCliCommand", methodArgs = new[] { "true" } }),
        };
        post.Headers.Add("traceparent", $"00-{traceId}-{ClientSpan}-01");

        using var posted = await _client.SendAsync(post);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var handle = await Until.ValueAsync("the agent exported the handling of the message", () =>
            _collector.Spans.FirstOrDefault(s => s.Name == "handle REQCliCommand" && s.TraceId == traceId), TimeSpan.FromSeconds(30));
        Assert.Equal(_ships[0], handle["steward.node"]);
        var request = await Until.ValueAsync("the gateway exported the span of the POST", () =>
            _collector.Spans.FirstOrDefault(s => s.TraceId == traceId && s.Kind == CollectedSpan.Server));
        Assert.Equal(ClientSpan, request.ParentSpanId);
    }

    [Fact]
    public async Task A_scrape_of_the_metrics_is_not_traced_as_an_operators_request()
    {
        using (var scraped = await _client.GetAsync("/metrics")) Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        // A request that is traced, after the scrape: once its span is exported, so would the scrape's be.
        using var posted = await _client.PostAsync("/messages",
            JsonContent.Create(new { toNode = _ships[0], method = "REQCliCommand", methodArgs = new[] { "true" } }));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        await Until.ValueAsync("the gateway exported the span of the POST", () => _collector.Spans.FirstOrDefault(s =>
            s is { Service: HostProcess.Gateway, Kind: CollectedSpan.Server } && (string?)s["url.path"] == "/messages"));

        // Prometheus scrapes every few seconds: like a health probe, that is not an operation.
        Assert.DoesNotContain(_collector.Spans, s => s.Service == HostProcess.Gateway && (string?)s["url.path"] == "/metrics");
    }
}
