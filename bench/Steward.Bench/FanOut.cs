using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Trust;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// A fan-out through the gateway process to N agent nodes, three times (cold, warm-up, measured): time to all ACKed and to all replied, as the batch's event
/// stream shows them, and how far that stream ran behind the commits; the gateway's peak RSS and the CPU it spent on the
/// fan-out; each broker server's peak RSS and client connections.
/// </summary>
internal sealed record FanOutResult(
    int Nodes, string Method, string Where, double StartedSeconds, double ColdRepliedMs, double AllAckedMs, double AllRepliedMs, double RepliesCommittedMs,
    double MaxStreamLagMs, int Events, long GatewayPeakRssKiB, double GatewayCpuSeconds, IReadOnlyList<long> BrokerPeakRssKiB, double BrokerCpuSeconds,
    IReadOnlyList<int> Connections, IReadOnlyList<int> Subscriptions, long SimRssKiB, double SimCpuSeconds, string Load, FleetExtras? Extras = null);

internal static class FanOut
{
    private const string Token = "bench";

    /// <param name="method"><c>REQCliCommand</c> (<c>echo hi</c>: a process per node) or <c>REQPing</c> (in-process).</param>
    /// <remarks>(d): the agents run in this process, all on <paramref name="broker"/>.</remarks>
    public static async Task<FanOutResult> RunAsync(NatsServerFixture broker, int count, string method)
    {
        var central = Names.Next("fancentral");
        var centralData = Directory.CreateTempSubdirectory("steward-fan-").FullName;
        var centralKey = CentralKey(centralData);
        var agents = new List<NodeRuntime>();
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var chunk in Enumerable.Range(0, count).Chunk(50))
                agents.AddRange(await Task.WhenAll(chunk.Select(_ => TestNode.StartAsync(broker.Url, Names.Next("fan"), o =>
                {
                    o.CentralNodeName = central;
                    o.TrustedKeys[central] = centralKey;
                }, joinFleet: false))));
            var fleet = new Fleet(agents.ToDictionary(a => a.NodeName, a => a.PublicKey), clock.Elapsed, "1 server, agents in the benchmark's process",
                () => 0, () => ProcFs.CpuSeconds(Environment.ProcessId));
            return await MeasureAsync(fleet, method, central, centralData, broker.Url, [broker.ProcessId ?? 0], [], null, null);
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
        }
    }

    /// <summary>The fleet simulator: <paramref name="count"/> nodes in processes of at most <paramref name="perProcess"/>, spread over a 3-server cluster.</summary>
    /// <param name="keyChange">also measure a key set change reaching every node (each then holds every key: not for 5,000 in one machine).</param>
    public static async Task<FanOutResult> RunFleetAsync(int count, int perProcess, bool keyChange = false)
    {
        var cluster = new NatsCluster(3);
        await cluster.InitializeAsync();
        var centralData = Directory.CreateTempSubdirectory("steward-fleet-").FullName;
        try
        {
            var central = Names.Next("central");
            var urls = cluster.UrlsFrom(0);
            var centralKey = CentralKey(centralData);
            await using var sim = await SimFleet.StartAsync(count, perProcess, urls, central, centralKey);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fleet of {count} nodes in {sim.ProcessIds.Count} simulator process(es) up in {sim.StartedIn.TotalSeconds:F1} s"));
            var fleet = new Fleet(sim.Keys, sim.StartedIn, $"3-server cluster, {sim.ProcessIds.Count} simulator process(es)", sim.RssKiB, sim.CpuSeconds);
            var monitors = Enumerable.Range(0, cluster.Servers.Count).Select(cluster.MonitorOf).ToList();
            return await MeasureAsync(fleet, Methods.Ping, central, centralData, urls, cluster.Servers.Select(s => s.ProcessId ?? 0).ToList(), monitors,
                sim, cluster, centralKey, keyChange);
        }
        finally
        {
            await cluster.DisposeAsync();
            Directory.Delete(centralData, recursive: true);
        }
    }

    private sealed record Fleet(IReadOnlyDictionary<string, string> Keys, TimeSpan StartedIn, string Where, Func<long> SimRssKiB, Func<double> SimCpuSeconds);

    /// <summary>central's key, made in its data folder: each agent pins it, as an operator enrols a fleet.</summary>
    private static string CentralKey(string centralData)
    {
        using var key = NodeKey.LoadOrCreate(centralData);
        return key.PublicKey;
    }

    private static async Task<FanOutResult> MeasureAsync(
        Fleet fleet, string method, string central, string centralData, string brokerUrls, IReadOnlyList<int> brokerPids, IReadOnlyList<NatsMonitor> monitors,
        SimFleet? sim, NatsCluster? cluster, string centralKey = "", bool keyChange = false)
    {
        var count = fleet.Keys.Count;
        // central knows every agent's key as an operator's approvals leave it: enrolled in its keys.json.
        TrustFile.Write(Path.Combine(centralData, KeyRing.FileName), new KeySet(fleet.Keys.ToDictionary(StringComparer.Ordinal), []), StewardJson.Default.KeySet);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}"), Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        var environment = new Dictionary<string, string>
        {
            ["Steward__ApiToken"] = Token,
            ["Steward__MaxNodesPerFanOut"] = Math.Max(count, 5000).ToString(CultureInfo.InvariantCulture),
        };
        await using var gateway = await HostProcess.StartAsync(HostProcess.Gateway, environment,
            "--node", central, "--central", central, "--broker", brokerUrls, "--data", centralData, "--urls", client.BaseAddress.ToString().TrimEnd('/'));
        var (connections, subscriptions) = (new List<int>(), new List<int>());
        foreach (var monitor in monitors)
        {
            connections.Add(await monitor.ConnectionsAsync());
            subscriptions.Add(await monitor.SubscriptionsAsync());
        }

        // The same fan-out three times: the first one finds the gateway cold (most of its CPU goes to compiling: JIT,
        // then tiered recompilation, which the second one still pays for); the third, the one measured, finds it as a
        // long-running gateway is.
        (long BatchId, double AckedMs, double RepliedMs, double CommittedMs, double MaxLagMs, int Events, int Replied) cold;
        try
        {
            cold = await FanOutOnceAsync(client, fleet.Keys.Keys.ToList(), method);
            await Task.Delay(TimeSpan.FromSeconds(5));   // tiered compilation goes on in the background
            await FanOutOnceAsync(client, fleet.Keys.Keys.ToList(), method);
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            var log = Path.Combine(Path.GetTempPath(), $"steward-fleet-gateway-{count}.log");
            await File.WriteAllTextAsync(log, gateway.Output);
            throw new InvalidOperationException($"the fan-out to {count} nodes broke off; the gateway's output is in {log}", e);
        }

        await using var profiler = Profiler.StartIfAsked(gateway.Id, count);
        var loadBefore = Report.LoadAverage().Split(' ')[0];
        var (cpuBefore, brokerCpuBefore, simCpuBefore) = (ProcFs.CpuSeconds(gateway.Id), brokerPids.Sum(ProcFs.CpuSeconds), fleet.SimCpuSeconds());
        var writtenBefore = FleetPhases.WrittenBytes(gateway.Id);
        var (batchId, ackedMs, repliedMs, committedMs, maxLagMs, events, replied) = await FanOutOnceAsync(client, fleet.Keys.Keys.ToList(), method);
        var cpu = ProcFs.CpuSeconds(gateway.Id) - cpuBefore;
        var (brokerCpu, simCpu) = (brokerPids.Sum(ProcFs.CpuSeconds) - brokerCpuBefore, fleet.SimCpuSeconds() - simCpuBefore);
        var written = FleetPhases.WrittenBytes(gateway.Id) - writtenBefore;
        var summary = (await client.GetFromJsonAsync<JsonElement>($"/batches/{batchId}")).GetProperty("summary");
        if (summary.GetProperty("done").GetInt32() != count || replied != count)
            Console.WriteLine($"NOTE: {count} nodes: {replied} replied on the stream; the batch says {summary}");
        var result = new FanOutResult(count, method, fleet.Where, fleet.StartedIn.TotalSeconds, cold.RepliedMs, ackedMs, repliedMs, committedMs, maxLagMs, events,
            ProcFs.PeakRssKiB(gateway.Id), cpu, brokerPids.Select(ProcFs.PeakRssKiB).ToList(), brokerCpu, connections, subscriptions, fleet.SimRssKiB(), simCpu,
            $"{loadBefore} → {Report.LoadAverage().Split(' ')[0]}", await ExtrasAsync(sim, cluster, gateway.Id, centralData, fleet.Keys, central, centralKey, written, keyChange));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fan-out of {method} to {count,4} nodes: cold all replied {cold.RepliedMs:F0} ms; warm: all ACKed {ackedMs,6:F0} ms, all replied {repliedMs,6:F0} ms (committed at {committedMs:F0} ms), stream lag ≤ {maxLagMs:F0} ms ({events} events), gateway peak RSS {result.GatewayPeakRssKiB / 1024} MiB, {cpu:F1} CPU-s, broker peak RSS {string.Join("/", result.BrokerPeakRssKiB.Select(k => k / 1024))} MiB, {brokerCpu:F1} CPU-s, connections {string.Join("/", connections)}, subscriptions {string.Join("/", subscriptions)}, simulator {simCpu:F1} CPU-s, {result.SimRssKiB / 1024} MiB, load {result.Load}"));
        return result;
    }

    /// <summary>After the fan-outs, with the simulator: the hello storm, central's files, and a server killed (FleetPhases).</summary>
    private static async Task<FleetExtras?> ExtrasAsync(
        SimFleet? sim, NatsCluster? cluster, int gatewayPid, string centralData, IReadOnlyDictionary<string, string> agents, string central, string centralKey,
        long written, bool keyChange)
    {
        if (sim is null || cluster is null) return null;
        // What central holds: the agents enrolled in its keys.json, its own key, and every key HostProcess pinned (the test
        // fleet's: the centrals of earlier sizes too).
        var knows = new Dictionary<string, string>(agents, StringComparer.Ordinal);
        foreach (var (node, key) in TestFleet.Keys) knows[node] = key;
        knows[central] = centralKey;
        var hello = await FleetPhases.HelloStormAsync(sim, gatewayPid, Path.Combine(centralData, "steward.db"), knows);
        var files = FleetPhases.CentralFiles(centralData);
        if (keyChange)
        {
            var change = await FleetPhases.KeySetChangeAsync(sim, gatewayPid, centralData);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  a key set change: {agents.Count} key sets of {hello.KeySetBytes} bytes, all delivered in {change.Ms:F0} ms, {change.CpuSeconds:F1} gateway CPU-s; central's database grew by {change.DbGrowthBytes / 1024} KiB"));
        }
        var failover = await FleetPhases.FailoverAsync(cluster);
        var extras = new FleetExtras(hello.Ms, hello.CpuSeconds, hello.KeysUpdates, hello.KeySetBytes, files.DbBytes, files.Outbound, files.Events, files.Inbound,
            files.AuditBytes, written, failover.Clients, failover.Ms);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {agents.Count} hellos stored in {hello.Ms:F0} ms ({hello.CpuSeconds:F1} gateway CPU-s, {hello.KeysUpdates} key sets sent; the set is {hello.KeySetBytes} bytes); central: {files.DbBytes / 1024} KiB of database for {files.Outbound} messages, {files.Events} events, {files.Inbound} received, audit.log {files.AuditBytes / 1024} KiB; {written / 1024} KiB written in the measured fan-out; a server killed under {failover.Clients} clients: all on the others in {failover.Ms:F0} ms"));
        return extras;
    }

    /// <summary>Posts the batch and reads its event stream to its end (every message final).</summary>
    private static async Task<(long BatchId, double AckedMs, double RepliedMs, double CommittedMs, double MaxLagMs, int Events, int Replied)> FanOutOnceAsync(
        HttpClient client, List<string> nodes, string method)
    {
        var clock = Stopwatch.StartNew();
        var postedAt = DateTime.UtcNow;
        var posted = await client.PostAsJsonAsync("/messages/batch", method == Methods.Ping
            ? new { toHosts = nodes, method, methodArgs = Array.Empty<string>() }
            : new { toHosts = nodes, method, methodArgs = new[] { "echo", "hi" } });
        posted.EnsureSuccessStatusCode();
        var batchId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetInt64();
        var (acked, replied) = (new HashSet<string>(), new HashSet<string>());
        double ackedMs = 0, repliedMs = 0, committedMs = 0, maxLagMs = 0;
        var events = 0;
        using var response = await client.GetAsync($"/batches/{batchId}/events", HttpCompletionOption.ResponseHeadersRead);
        var streaming = DateTime.UtcNow;   // events stored before this are history: their lag is not the stream's
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var e = JsonDocument.Parse(line[6..]).RootElement;
            events++;
            // How long after its commit a live event reached this client: whether the stream keeps up.
            var at = e.GetProperty("at").GetDateTime().ToUniversalTime();
            if (at >= streaming) maxLagMs = Math.Max(maxLagMs, (DateTime.UtcNow - at).TotalMilliseconds);
            var node = e.GetProperty("node").GetString()!;
            if (e.TryGetProperty("state", out var state) && state.GetString() is "acked" or "replied" or "done" && acked.Add(node) && acked.Count == nodes.Count)
                ackedMs = clock.Elapsed.TotalMilliseconds;
            if (e.GetProperty("kind").GetString() == "reply" && replied.Add(node))
            {
                committedMs = Math.Max(committedMs, (at - postedAt).TotalMilliseconds);   // when the gateway stored it
                if (replied.Count == nodes.Count) repliedMs = clock.Elapsed.TotalMilliseconds;
            }
        }
        return (batchId, ackedMs, repliedMs, committedMs, maxLagMs, events, replied.Count);
    }
}
