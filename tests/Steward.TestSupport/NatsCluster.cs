using System.Globalization;
using Xunit;

namespace Steward.TestSupport;

/// <summary>
/// Real nats-servers on free 127.0.0.1 ports joined into one cluster by routes, as an operator runs a cluster. Each
/// keeps its client, route and monitoring ports when it is killed and started again.
/// </summary>
public sealed class NatsCluster : IAsyncLifetime
{
    private readonly List<(NatsServerFixture Server, NatsMonitor Monitor)> _servers = [];

    public NatsCluster(int size)
    {
        var routePorts = Enumerable.Range(0, size).Select(_ => FreePort.Next()).ToList();
        var folder = Directory.CreateTempSubdirectory("steward-cluster-").FullName;
        for (var i = 0; i < size; i++)
        {
            var monitor = new NatsMonitor(FreePort.Next());
            var routes = routePorts.Where((_, other) => other != i).Select(p => $"\"nats://127.0.0.1:{p}\"");
            var config = Path.Combine(folder, $"server{i}.conf");
            File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $$"""
                server_name: "steward-test-{{i}}"
                http: "127.0.0.1:{{monitor.Port}}"
                cluster {
                  name: "steward-test"
                  listen: "127.0.0.1:{{routePorts[i]}}"
                  routes: [{{string.Join(", ", routes)}}]
                }
                """));
            _servers.Add((NatsServerFixture.WithConfig(config), monitor));
        }
    }

    public IReadOnlyList<NatsServerFixture> Servers => _servers.Select(s => s.Server).ToList();

    public NatsMonitor MonitorOf(int server) => _servers[server].Monitor;

    /// <summary>Every server's client URL, <paramref name="first"/>'s first and the others in order: what a node is given.</summary>
    public string UrlsFrom(int first) =>
        string.Join(",", Enumerable.Range(0, _servers.Count).Select(i => _servers[(first + i) % _servers.Count].Server.Url));

    public async Task InitializeAsync()
    {
        foreach (var (server, _) in _servers) await server.InitializeAsync();
        await WaitUntilRoutedAsync();
    }

    /// <summary>Waits until every server has a route to every other one: a message published anywhere reaches everyone.</summary>
    public Task WaitUntilRoutedAsync() =>
        Until.TrueAsync("every server of the cluster routes to every other", async () =>
        {
            foreach (var (_, monitor) in _servers)
                if (await monitor.RoutesAsync() < _servers.Count - 1) return false;
            return true;
        });

    public async Task DisposeAsync()
    {
        foreach (var (server, _) in _servers) await server.DisposeAsync();
    }
}
