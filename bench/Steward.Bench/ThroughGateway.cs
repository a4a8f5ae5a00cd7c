using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// An operator's round trip: <c>POST /messages</c> to the gateway process, a method on an agent node (in this process),
/// until the reply event arrives on the message's SSE stream. (c) runs <c>REQCliCommand ["echo","x"]</c>, which starts a
/// process; (r) runs <c>REQPing</c>, answered in-process, so it measures the gateway's POST → SSE path and the two
/// deliveries (message and reply) on their own.
/// </summary>
internal sealed class ThroughGateway(string url) : IAsyncDisposable
{
    /// <summary>
    /// A round trip still without its reply after this long is given up and counted: a reply the gateway refused leaves
    /// its message waiting for good, and one such message must not hang the whole run.
    /// </summary>
    private static readonly TimeSpan ReplyDeadline = TimeSpan.FromSeconds(15);
    private readonly ConcurrentQueue<long> _unanswered = new();
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

    public Task EchoAsync() =>
        RoundTripAsync($$"""{"toNode":"{{_agentName}}","method":"REQCliCommand","methodArgs":["echo","x"],"fileName":"bench.txt"}""");

    public Task PingAsync() => RoundTripAsync($$"""{"toNode":"{{_agentName}}","method":"REQPing"}""");

    private async Task RoundTripAsync(string message)
    {
        var id = (await _client.PostMessagesAsync(message))[0];
        using var deadline = new CancellationTokenSource(ReplyDeadline);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/messages/{id}/events");
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token), Encoding.UTF8);
            while (await reader.ReadLineAsync(deadline.Token) is { } line)
                if (line == "event: reply") return;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            _unanswered.Enqueue(id);
            return;
        }
        throw new InvalidOperationException($"message {id} ended without a reply");
    }

    /// <summary>The round trips given up at the deadline, each with its message's state now; none when every reply came.</summary>
    public async Task<string?> UnansweredAsync(string scenario)
    {
        if (_unanswered.IsEmpty) return null;
        var states = new List<string>();
        foreach (var id in _unanswered.Take(10)) states.Add($"{id} ({await _client.StateOfAsync(id)})");
        return string.Create(CultureInfo.InvariantCulture,
            $"{scenario}: {_unanswered.Count} round trip(s) got no reply within {ReplyDeadline.TotalSeconds:F0} s and were counted at that latency; message (state now): {string.Join(", ", states)}{(_unanswered.Count > 10 ? ", ..." : "")}");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_agent is not null) await _agent.DisposeAsync();
        if (_gateway is not null) await _gateway.DisposeAsync();
    }
}
