using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NATS.NKeys;
using Steward.Core.Node;
using Steward.Gateway.Auth;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Contract;

/// <summary>
/// Real answers of the gateway, for every operation and status openapi.yaml documents, checked against it by a
/// third-party JSON Schema validator as they pass (<see cref="ContractCheckingHandler"/>). The coverage is checked
/// too: a documented operation and status that no call here produced fails the test, and so does an event stream
/// none of whose events was checked.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ResponseContractTests(NatsServerFixture broker) : IAsyncLifetime
{
    private readonly OpenApiContract _contract = OpenApiContract.Load();
    private readonly ContractReport _report = new();
    private readonly GatewayFactory _gateway = new(broker.Url, Names.Next("central"));
    private readonly GatewayFactory _brokerDown = new("nats://127.0.0.1:1", Names.Next("central"));
    private NodeRuntime _agent = null!;
    private string _readToken = "";

    public async Task InitializeAsync()
    {
        _readToken = new OperatorsFile(_gateway.DataFolder).Add("viewer", OperatorRoles.Read);
        _brokerDown.Settings["Steward:MaxEventStreams"] = "1";
        using var _ = Client(_gateway);
        await _gateway.Services.GetRequiredService<NodeRuntime>().Receiving.WaitAsync(TimeSpan.FromSeconds(15));
        _agent = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.CentralNodeName = _gateway.NodeName);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _gateway.DisposeAsync();
        await _brokerDown.DisposeAsync();
    }

    /// <summary>A client whose every answer is checked: with the admin token, another token, or none.</summary>
    private HttpClient Client(GatewayFactory gateway, string? token = GatewayFactory.Token)
    {
        var client = gateway.CreateDefaultClient(new ContractCheckingHandler(_contract, _report));
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Every_operation_and_status_in_openapi_yaml_answers_as_the_document_describes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        using var admin = Client(_gateway);
        using var reader = Client(_gateway, _readToken);
        using var anonymous = Client(_gateway, token: null);

        await PublicPagesAsync(anonymous, ct);
        await RefusedAsync(anonymous, reader, ct);
        await BadInputAsync(admin, ct);
        var done = await MessageFollowedToDoneAsync(admin, ct);
        await TokenInTheQueryAsync(anonymous, done, ct);
        await FailedAndCancelledMessagesAsync(admin, done, ct);
        await BatchAsync(admin, ct);
        await ListsAsync(admin, ct);
        await NodesAsync(admin, ct);
        await ErrorLogAsync(admin, ct);
        await StreamsOverTheCapAsync(ct);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/metrics", ct)).StatusCode);

        Assert.True(_report.Violations.Count == 0, "Answers that break openapi.yaml:\n" + string.Join("\n", _report.Violations));
        Assert.True(_report.Unexercised(_contract) is [], "Documented but not exercised:\n" + string.Join("\n", _report.Unexercised(_contract)));
        Assert.True(_report.StreamsWithoutCheckedEvents(_contract) is [], "Event streams without a checked event:\n" + string.Join("\n", _report.StreamsWithoutCheckedEvents(_contract)));
    }

    /// <summary>What openapi.yaml marks public answers without a token; health says 503 on a gateway whose broker is down.</summary>
    private async Task PublicPagesAsync(HttpClient anonymous, CancellationToken ct)
    {
        foreach (var operation in _contract.Operations.Where(o => o.IsPublic))
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(operation.Path, ct)).StatusCode);
        using var down = Client(_brokerDown, token: null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await down.GetAsync("/healthz", ct)).StatusCode);
    }

    /// <summary>Every operation that openapi.yaml says needs a token, without one (401), and every one that needs operate, with a read token (403).</summary>
    private async Task RefusedAsync(HttpClient anonymous, HttpClient reader, CancellationToken ct)
    {
        foreach (var operation in _contract.Operations.Where(o => !o.IsPublic))
        {
            using var _ = await SendAsync(anonymous, operation, ct);   // the checking handler holds any answer but 401 against the document
            if (operation.Response("403") is not null) Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(reader, operation, ct)).StatusCode);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, ContractOperation operation, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), operation.PathWith(p => p == "id" ? "1" : "ship1"));
        if (operation.Node["requestBody"] is not null) request.Content = Json("{}");
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private async Task BadInputAsync(HttpClient admin, CancellationToken ct)
    {
        var tooLarge = $$"""{"toNode":"{{_agent.NodeName}}","method":"REQNone","data":"{{new string('A', 1024 * 1024)}}"}""";
        foreach (var path in new[] { "/messages", "/messages/batch", "/messages/batch/preview" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync(path, Json("""{"toNode":"ship1.x","method":"REQNone"}"""), ct)).StatusCode);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await admin.PostAsync(path, Json(tooLarge), ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/messages?limit=0", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/errors?limit=0", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/nodes?selector=role in web", ct)).StatusCode);
        foreach (var stream in new[] { "/messages/1/events", "/batches/1/events", "/errors/events" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, stream) { Headers = { { "Last-Event-ID", "yesterday" } } };
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.SendAsync(request, ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/messages/1", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/messages/1/events", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/messages/1", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync("/messages", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/batches/1", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/batches/1/events", ct)).StatusCode);
    }

    /// <summary>A command to the agent, its whole event stream, and its final view; an array of two messages too.</summary>
    private async Task<long> MessageFollowedToDoneAsync(HttpClient admin, CancellationToken ct)
    {
        var id = (await admin.PostMessagesAsync($$"""{"toNode":"{{_agent.NodeName}}","method":"REQCliCommand","methodArgs":["echo","contract"]}""", ct))[0];
        var events = await admin.ReadEventsUntilFinalAsync(id, ct);
        Assert.Contains(events, e => e.Event == "reply");
        Assert.Equal("done", await admin.StateOfAsync(id, ct));
        var two = await admin.PostMessagesAsync($$"""[{"toNode":"{{_agent.NodeName}}","method":"REQNone"},{"toNode":"{{_agent.NodeName}}","method":"REQNone"}]""", ct);
        Assert.Equal(2, two.Length);
        return id;
    }

    /// <summary>An event stream with the token as <c>?access_token=</c>, as a browser's EventSource sends it.</summary>
    private static async Task TokenInTheQueryAsync(HttpClient anonymous, long id, CancellationToken ct)
    {
        var events = new List<SseEvent>();
        await foreach (var e in ServerSentEvents.ReadAsync(anonymous, $"/messages/{id}/events?access_token={GatewayFactory.Token}", ct: ct)) events.Add(e);
        Assert.Contains(events, e => e.Event == "reply");
    }

    /// <summary>A message that fails (its last error set, an error logged), one cancelled, a cancel of a final one (409), a cleared queue.</summary>
    private static async Task FailedAndCancelledMessagesAsync(HttpClient admin, long done, CancellationToken ct)
    {
        var failed = (await admin.PostMessagesAsync($$"""{"toNode":"{{Names.Next("ghost")}}","method":"REQNone","ACKTimeout":1,"retries":1,"retryWait":1}""", ct))[0];
        await Until.TrueAsync("the message to a node that never answers failed", async () => await admin.StateOfAsync(failed, ct) == "failed", TimeSpan.FromSeconds(30));
        var view = await admin.GetFromJsonAsync<JsonElement>($"/messages/{failed}", ct);
        Assert.False(string.IsNullOrEmpty(view.GetProperty("lastError").GetString()));

        var waiting = (await admin.PostMessagesAsync($$"""{"toNode":"{{Names.Next("ghost")}}","method":"REQNone","ACKTimeout":5,"retries":10}""", ct))[0];
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/messages/{waiting}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"/messages/{done}", ct)).StatusCode);
        var ghost = Names.Next("ghost");
        await admin.PostMessagesAsync($$"""{"toNode":"{{ghost}}","method":"REQNone","ACKTimeout":5,"retries":10}""", ct);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/messages?node={ghost}", ct)).StatusCode);
    }

    /// <summary>
    /// A fan-out to the agent and to a node that never answers: its stream to the end, and its view; a rollout by selector,
    /// previewed, then followed to its end.
    /// </summary>
    private async Task BatchAsync(HttpClient admin, CancellationToken ct)
    {
        await Until.TrueAsync("the agent's hello is listed", async () => (await admin.GetFromJsonAsync<JsonElement[]>("/nodes?selector=os", ct))!.Length == 1);
        const string rollout = """{"selector":"os","method":"REQCliCommand","methodArgs":["echo","rollout"],"maxConcurrency":"50%","maxErrors":1}""";
        var preview = await (await admin.PostAsync("/messages/batch/preview", Json(rollout), ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal([_agent.NodeName], preview.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()));
        var rolled = (await (await admin.PostAsync("/messages/batch", Json(rollout), ct)).Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("batchId").GetInt64();
        await foreach (var _ in ServerSentEvents.ReadAsync(admin, $"/batches/{rolled}/events", ct: ct))
        {
        }
        Assert.Equal("done", (await admin.GetFromJsonAsync<JsonElement>($"/batches/{rolled}", ct)).GetProperty("rollout").GetProperty("state").GetString());

        var posted = await admin.PostAsync("/messages/batch", Json($$"""
            {"toHosts":["{{_agent.NodeName}}","{{Names.Next("ghost")}}"],"method":"REQCliCommand","methodArgs":["echo","batch"],"ACKTimeout":1,"retries":1,"retryWait":1}
            """), ct);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var batchId = (await posted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("batchId").GetInt64();
        var kinds = new HashSet<string>();
        await foreach (var e in ServerSentEvents.ReadAsync(admin, $"/batches/{batchId}/events", ct: ct)) kinds.Add(e.Event);
        Assert.Contains("reply", kinds);
        var summary = (await admin.GetFromJsonAsync<JsonElement>($"/batches/{batchId}", ct)).GetProperty("summary");
        Assert.Equal((1, 1), (summary.GetProperty("done").GetInt32(), summary.GetProperty("failed").GetInt32()));
    }

    /// <summary>Every page of the message list, the last one without <c>next</c>, and a filtered list.</summary>
    private static async Task ListsAsync(HttpClient admin, CancellationToken ct)
    {
        var (pages, url) = (0, "/messages?limit=2");
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>(url, ct);
            pages++;
            if (!page.TryGetProperty("next", out var next)) break;
            url = $"/messages?limit=2&after={next.GetInt64()}";
        }
        Assert.True(pages > 1);
        var filtered = await admin.GetFromJsonAsync<JsonElement>("/messages?state=done&limit=50", ct);
        Assert.NotEmpty(filtered.GetProperty("messages").EnumerateArray());
    }

    /// <summary>
    /// The registry with the agent's hello; each answer of setting a node's labels (set, bad label, unknown node, not JSON) and
    /// of an approval: enrolled, bad input, not JSON, nothing to approve, already enrolled.
    /// </summary>
    private async Task NodesAsync(HttpClient admin, CancellationToken ct)
    {
        await Until.TrueAsync("the agent's hello is listed", async () =>
            (await admin.GetFromJsonAsync<JsonElement[]>("/nodes", ct))!.Any(n => n.GetProperty("name").GetString() == _agent.NodeName && n.TryGetProperty("os", out _)));
        var newcomer = Names.Next("ship");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/nodes/bad.name/approve", null, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync($"/nodes/{newcomer}/approve", Json("""{"publicKey":"not-a-key"}"""), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/nodes/{newcomer}/approve", null, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync($"/nodes/{newcomer}/approve", Json("""{"publicKey":"""), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await admin.PostAsync($"/nodes/{newcomer}/approve", new StringContent("U…", Encoding.UTF8, "text/plain"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync($"/nodes/{_agent.NodeName}/labels", Json("""{"tier":"canary"}"""), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsync($"/nodes/{_agent.NodeName}/labels", Json("""{"tier":"can ary"}"""), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsync($"/nodes/{newcomer}/labels", Json("{}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await admin.PutAsync($"/nodes/{_agent.NodeName}/labels", new StringContent("tier=canary", Encoding.UTF8, "text/plain"), ct)).StatusCode);
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement[]>("/nodes?selector=tier=canary", ct))!, n => n.GetProperty("name").GetString() == _agent.NodeName);
        var key = KeyPair.CreatePair(PrefixByte.User).GetPublicKey();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/nodes/{newcomer}/approve", Json($$"""{"publicKey":"{{key}}"}"""), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/nodes/{newcomer}/approve", null, ct)).StatusCode);
    }

    /// <summary>The error log (the failed message put an entry there) as a list and as a stream.</summary>
    private static async Task ErrorLogAsync(HttpClient admin, CancellationToken ct)
    {
        await Until.TrueAsync("an error is logged", async () => (await admin.GetFromJsonAsync<JsonElement[]>("/errors", ct))!.Length > 0);
        await using var stream = ServerSentEvents.ReadAsync(admin, "/errors/events", ct: ct).GetAsyncEnumerator(ct);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("error", stream.Current.Event);
    }

    /// <summary>On a gateway that serves one stream at a time, each stream while one is open: 503 with Retry-After.</summary>
    private async Task StreamsOverTheCapAsync(CancellationToken ct)
    {
        using var client = Client(_brokerDown);
        using var open = await client.GetAsync("/errors/events", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        foreach (var stream in new[] { "/errors/events", "/messages/1/events", "/batches/1/events" })
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(stream, HttpCompletionOption.ResponseHeadersRead, ct)).StatusCode);
    }
}
