using System.Net.Http.Json;
using System.Text.Json;

namespace Steward.TestSupport;

/// <summary>What nats-server's monitoring endpoint (<c>http: 127.0.0.1:&lt;port&gt;</c>) says about its routes, leaf nodes and clients.</summary>
public sealed class NatsMonitor(int port)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public int Port { get; } = port;

    /// <summary>The routes to other servers of its cluster that are up; 0 when the server does not answer.</summary>
    public Task<int> RoutesAsync() => CountAsync("routez", "num_routes");

    /// <summary>The client connections open now; 0 when the server does not answer.</summary>
    public Task<int> ConnectionsAsync() => CountAsync("varz", "connections");

    /// <summary>The subscriptions the server holds: its own clients' and the interest its routes told it of.</summary>
    public Task<int> SubscriptionsAsync() => CountAsync("varz", "subscriptions");

    /// <summary>The leaf node connections that are up; 0 when the server does not answer.</summary>
    public Task<int> LeafNodesAsync() => CountAsync("leafz", "leafnodes");

    /// <summary>The subjects its leaf nodes have told it they listen to: what it passes on to them.</summary>
    public async Task<IReadOnlyList<string>> LeafSubscriptionsAsync()
    {
        var leafz = await GetAsync("leafz?subs=1");
        return leafz is { } json && json.TryGetProperty("leafs", out var leafs)
            ? leafs.EnumerateArray().SelectMany(l => l.TryGetProperty("subscriptions_list", out var subs) ? subs.EnumerateArray().Select(s => s.GetString() ?? "") : []).ToList()
            : [];
    }

    /// <summary>The names of the clients connected now (a Steward node connects under its node name).</summary>
    public async Task<IReadOnlyList<string>> ClientNamesAsync()
    {
        var connz = await GetAsync("connz");
        return connz is { } json && json.TryGetProperty("connections", out var connections)
            ? connections.EnumerateArray().Select(c => c.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "").ToList()
            : [];
    }

    private async Task<int> CountAsync(string endpoint, string property) =>
        await GetAsync(endpoint) is { } json && json.TryGetProperty(property, out var count) ? count.GetInt32() : 0;

    private async Task<JsonElement?> GetAsync(string endpoint)
    {
        try
        {
            return await Http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{Port}/{endpoint}");
        }
        catch (HttpRequestException)
        {
            return null;   // not (yet, or no longer) running
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}
