using System.Text;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// (c) An operator's round trip: <c>POST /messages</c> to the gateway process, a <c>REQCliCommand</c> echo on an agent
/// node, until the reply event arrives on the message's SSE stream.
/// </summary>
internal sealed class ThroughGateway(string url) : IAsyncDisposable
{
    private readonly string _agentName = Names.Next("benchship");
    private readonly HttpClient _client = new() { BaseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}") };
    private HostProcess? _gateway;
    private NodeRuntime? _agent;

    public async Task StartAsync()
    {
        var central = Names.Next("benchcentral");
        _agent = await TestNode.StartAsync(url, _agentName);   // first: the gateway process starts trusting the keys enrolled by then
        _gateway = await HostProcess.StartAsync(HostProcess.Gateway, new Dictionary<string, string> { ["Steward__ApiToken"] = "bench" },
            "--node", central, "--central", central, "--broker", url,
            "--data", Directory.CreateTempSubdirectory("steward-bench-").FullName, "--urls", _client.BaseAddress!.ToString().TrimEnd('/'));
        _client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "bench");
    }

    public async Task RoundTripAsync()
    {
        var id = (await _client.PostMessagesAsync($$"""{"toNode":"{{_agentName}}","method":"REQCliCommand","methodArgs":["echo","x"],"fileName":"bench.txt"}"""))[0];
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/messages/{id}/events");
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } line)
            if (line == "event: reply") return;
        throw new InvalidOperationException($"message {id} ended without a reply");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_agent is not null) await _agent.DisposeAsync();
        if (_gateway is not null) await _gateway.DisposeAsync();
    }
}
