using System.Globalization;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// Measures, in one run on one nats-server: (a) raw NATS request/reply, the baseline; (b) Steward node-to-node ACKed
/// delivery with persistence and deduplication, every message and ACK signed and verified; (s) what signing and
/// verifying alone cost; (c) the operator's round trip through the gateway. Writes bench/RESULTS.md.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var scale = args.Contains("--quick") ? 0.2 : 1.0;
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();   // e.g. --only b, or --only a,s,b
        bool Runs(string scenario) => only is null || only.Split(',').Contains(scenario);
        int Ops(int n) => Math.Max(64, (int)(n * scale));
        var payload = "0123456789abcdef"u8.ToArray();
        var results = new List<Measurement>();
        var fanOuts = new List<FanOutResult>();
        var broker = new NatsServerFixture();
        await broker.InitializeAsync();
        try
        {
            if (Runs("a"))
            {
                await using var raw = new RawNats(broker.Url);
                await raw.StartAsync();
                results.Add(await Measurement.RunAsync("(a) raw NATS request/reply", 1, Ops(5000), () => raw.RequestAsync(payload)));
                results.Add(await Measurement.RunAsync("(a) raw NATS request/reply", 64, Ops(50000), () => raw.RequestAsync(payload)));
            }
            if (Runs("s"))
            {
                using var signing = new Signing();
                results.Add(await Measurement.RunAsync("(s) sign a message (serialize + ed25519)", 1, Ops(20000), signing.SignAsync));
                results.Add(await Measurement.RunAsync("(s) verify a signed message (ed25519)", 1, Ops(20000), signing.VerifyAsync));
            }
            foreach (var durability in Runs("b") ? new[] { "FULL", "OFF" } : [])
            {
                await using var nodes = new NodeToNode(broker.Url, durability);
                await nodes.StartAsync();
                var name = $"(b) node->node ACKed, SQLite synchronous={durability}";
                results.Add(await Measurement.RunAsync(name, 1, Ops(1000), () => nodes.DeliverAsync(payload)));
                results.Add(await Measurement.RunAsync(name, 64, Ops(5000), () => nodes.DeliverAsync(payload)));
            }
            if (Runs("c"))
            {
                await using var gateway = new ThroughGateway(broker.Url);
                await gateway.StartAsync();
                results.Add(await Measurement.RunAsync("(c) POST /messages -> SSE reply (echo)", 1, Ops(300), gateway.RoundTripAsync));
                results.Add(await Measurement.RunAsync("(c) POST /messages -> SSE reply (echo)", 64, Ops(2000), gateway.RoundTripAsync));
            }
            if (Runs("d"))
                foreach (var nodes in new[] { 10, 100, 500 }) fanOuts.Add(await FanOut.RunAsync(broker.Url, nodes));
        }
        finally
        {
            await broker.DisposeAsync();
        }
        var report = Report.Markdown(results, fanOuts);
        Console.WriteLine();
        Console.WriteLine(report);
        if (only is null && !args.Contains("--no-write"))
            await Report.WriteAsync(Path.Combine(RepositoryRoot.Path, "bench", "RESULTS.md"), report);
        return 0;
    }
}
