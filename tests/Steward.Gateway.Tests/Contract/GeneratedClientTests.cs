using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using Steward.Core.Node;
using Steward.Gateway.Client;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Contract;

/// <summary>
/// The client NSwag generates from openapi.yaml at build time (tests/Steward.Gateway.Client), used as it comes against
/// the gateway, as a new user would; every answer is also checked against openapi.yaml on its way.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class GeneratedClientTests(NatsServerFixture broker) : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new(broker.Url, Names.Next("central"));
    private readonly ContractReport _report = new();
    private readonly List<NodeRuntime> _agents = [];

    public async Task InitializeAsync()
    {
        _ = _gateway.Server;
        await _gateway.Services.GetRequiredService<NodeRuntime>().Receiving.WaitAsync(TimeSpan.FromSeconds(15));
        foreach (var _ in Enumerable.Range(0, 2))
            _agents.Add(await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.CentralNodeName = _gateway.NodeName));
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents) await agent.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    /// <summary>An HttpClient for the generated client: with the operator token (or none), as an operator would set it up.</summary>
    private HttpClient Http(bool withToken = true)
    {
        var http = _gateway.CreateDefaultClient(new ContractCheckingHandler(OpenApiContract.Load(), _report));
        if (!withToken) http.DefaultRequestHeaders.Authorization = null;
        return http;
    }

    [Fact]
    public async Task A_client_generated_from_openapi_yaml_posts_follows_a_message_to_done_lists_batches_and_cancels()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ct = timeout.Token;
        using var anonymousHttp = Http(withToken: false);
        using var http = Http();
        var steward = new StewardClient(http);
        var ship = _agents[0].NodeName;

        Assert.True((await new StewardClient(anonymousHttp).HealthAsync(ct)).BrokerConnected);

        var accepted = await steward.PostMessagesAsync(new Message { ToNode = ship, Method = "REQCliCommand", MethodArgs = ["echo", "from the generated client"] }, ct);
        var id = Assert.Single(accepted.Ids);
        var states = await FollowAsync(steward, id, ct);
        Assert.Equal("done", states[^1]);
        var view = await steward.GetMessageAsync(id, ct);
        Assert.Equal(("done", ship), (view.State, view.ToNode));
        Assert.Contains("from the generated client", string.Concat(view.Replies), StringComparison.Ordinal);
        Assert.Null(view.LastError);

        var listed = new List<MessageSummary>();
        for (long? after = null; ;)
        {
            var page = await steward.ListMessagesAsync(node: ship, state: "done", method: null, limit: 1, after: after, ct);
            listed.AddRange(page.Messages);
            if ((after = page.Next) is null) break;
        }
        Assert.Contains(listed, m => m.Id == id);

        var batch = await steward.PostBatchAsync(new Message { ToHosts = [.. _agents.Select(a => a.NodeName)], Method = "REQCliCommand", MethodArgs = ["uname", "-n"] }, ct);
        Assert.Equal(_agents.Select(a => a.NodeName).Order(), batch.Ids.Keys.Order());
        var summary = await Until.ValueAsync("every message of the batch is done", async () =>
            (await steward.GetBatchAsync(batch.BatchId, ct)).Summary is { Done: 2 } done ? done : null);
        Assert.Equal((2, 0), (summary.Total, summary.InProgress));

        var waiting = await steward.PostMessagesAsync(new Message { ToNode = Names.Next("ghost"), Method = "REQNone", ACKTimeout = 5, Retries = 10 }, ct);
        Assert.Equal("cancelled", (await steward.CancelMessageAsync(Assert.Single(waiting.Ids), ct)).State);
        var conflict = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => steward.CancelMessageAsync(id, ct));
        Assert.Equal(409, conflict.StatusCode);

        Assert.Contains(await steward.ListNodesAsync(null, ct), n => n.Name == ship);
        Assert.True(_report.Violations.Count == 0, string.Join("\n", _report.Violations));
    }

    /// <summary>The message's states from its event stream, as the generated client hands it over: a byte stream of SSE.</summary>
    private static async Task<List<string>> FollowAsync(StewardClient steward, long id, CancellationToken ct)
    {
        using var response = await steward.StreamMessageEventsAsync(id, last_Event_ID: null, ct);
        using var reader = new StreamReader(response.Stream);
        var states = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal) && JsonConvert.DeserializeObject<MessageEvent>(line[6..]) is { Kind: "state", State: { } state })
                states.Add(state);
        return states;
    }
}
