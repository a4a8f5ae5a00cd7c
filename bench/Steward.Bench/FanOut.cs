using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// One fan-out through the gateway process to N agent nodes in this process: time to all ACKed, to all replied; the
/// gateway's RSS after it and the CPU it spent on it, and the broker's RSS.
/// </summary>
internal sealed record FanOutResult(int Nodes, string Method, double AllAckedMs, double AllRepliedMs, long GatewayRssKiB, double GatewayCpuSeconds, long BrokerRssKiB);

internal static class FanOut
{
    /// <param name="method"><c>REQCliCommand</c> (<c>echo hi</c>: a process per node) or <c>REQPing</c> (in-process).</param>
    public static async Task<FanOutResult> RunAsync(NatsServerFixture broker, int count, string method)
    {
        var brokerUrl = broker.Url;
        var central = Names.Next("fancentral");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}"), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "bench");
        var agents = new List<NodeRuntime>();
        try
        {
            // Enrolled as an operator would: each agent pins central's key, central is started with every agent's key.
            var centralData = Directory.CreateTempSubdirectory("steward-fan-").FullName;
            var centralKey = TestFleet.EnrollFolder(central, centralData);
            foreach (var chunk in Enumerable.Range(0, count).Chunk(50))
                agents.AddRange(await Task.WhenAll(chunk.Select(_ => TestNode.StartAsync(brokerUrl, Names.Next("fan"), o =>
                {
                    o.CentralNodeName = central;
                    o.TrustedKeys[central] = centralKey;
                }, joinFleet: false))));
            var environment = agents.ToDictionary(a => $"Steward__TrustedKeys__{a.NodeName}", a => a.PublicKey);
            environment["Steward__ApiToken"] = "bench";
            await using var gateway = await HostProcess.StartAsync(HostProcess.Gateway, environment,
                "--node", central, "--central", central, "--broker", brokerUrl, "--data", centralData, "--urls", client.BaseAddress.ToString().TrimEnd('/'));

            var cpuBefore = CpuSeconds(gateway.Id);
            var clock = Stopwatch.StartNew();
            var posted = await client.PostAsJsonAsync("/messages/batch", method == "REQPing"
                ? new { toHosts = agents.Select(a => a.NodeName), method, methodArgs = Array.Empty<string>() }
                : new { toHosts = agents.Select(a => a.NodeName), method, methodArgs = new[] { "echo", "hi" } });
            var batchId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetInt64();
            var (acked, replied) = (new HashSet<string>(), new HashSet<string>());
            double ackedMs = 0;
            using var response = await client.GetAsync($"/batches/{batchId}/events", HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
            while (replied.Count < count && await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                var e = JsonDocument.Parse(line[6..]).RootElement;
                var node = e.GetProperty("node").GetString()!;
                if (e.TryGetProperty("state", out var state) && state.GetString() is "acked" or "replied" or "done" && acked.Add(node) && acked.Count == count)
                    ackedMs = clock.Elapsed.TotalMilliseconds;
                if (e.GetProperty("kind").GetString() == "reply") replied.Add(node);
            }
            var result = new FanOutResult(count, method, ackedMs, clock.Elapsed.TotalMilliseconds, RssKiB(gateway.Id), CpuSeconds(gateway.Id) - cpuBefore,
                broker.ProcessId is { } brokerPid ? RssKiB(brokerPid) : 0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fan-out of {method} to {count,4} nodes: all ACKed {result.AllAckedMs,8:F0} ms, all replied {result.AllRepliedMs,8:F0} ms, gateway RSS {result.GatewayRssKiB / 1024} MiB, {result.GatewayCpuSeconds:F1} CPU-s, broker RSS {result.BrokerRssKiB / 1024} MiB"));
            return result;
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
        }
    }

    /// <summary>User + system CPU time of a process so far (/proc/pid/stat fields 14 and 15, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static long RssKiB(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).First();
}
