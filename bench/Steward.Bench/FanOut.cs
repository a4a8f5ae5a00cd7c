using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>One fan-out through the gateway process to N agent nodes in this process: time to all ACKed, to all replied.</summary>
internal sealed record FanOutResult(int Nodes, double AllAckedMs, double AllRepliedMs, long GatewayRssKiB);

internal static class FanOut
{
    public static async Task<FanOutResult> RunAsync(string brokerUrl, int count)
    {
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

            var clock = Stopwatch.StartNew();
            var posted = await client.PostAsJsonAsync("/messages/batch",
                new { toHosts = agents.Select(a => a.NodeName), method = "REQCliCommand", methodArgs = new[] { "echo", "hi" } });
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
            var result = new FanOutResult(count, ackedMs, clock.Elapsed.TotalMilliseconds, RssKiB(gateway.Id));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fan-out to {count,3} nodes: all ACKed {result.AllAckedMs,8:F0} ms, all replied {result.AllRepliedMs,8:F0} ms, gateway RSS {result.GatewayRssKiB / 1024} MiB"));
            return result;
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
        }
    }

    private static long RssKiB(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).First();
}
