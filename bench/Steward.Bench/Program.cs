using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// Measures, in one run: the baselines (a) raw NATS request/reply, (s) signing and verifying alone, (f) one SQLite
/// commit, (j) JetStream publish+ack on file storage, (p) starting a process; then Steward's own paths: (b) node-to-node
/// ACKed delivery with persistence and deduplication, every message and ACK signed and verified; (c) and (r) the
/// operator's round trip through the gateway, with a process (echo) and with an in-process method (ping); (d) fan-out.
/// Every row is warmed up first and is the median of three runs. Writes bench/RESULTS.md. With <c>--agents</c>, also the
/// JIT agent beside the Native AOT agent (<see cref="AgentFootprint"/>), in a section of its own.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains(SimNodes.NodesOption)) return await SimNodes.RunAsync(args);
        var loadAtStart = Report.LoadAverage();
        var scale = args.Contains("--quick") ? 0.2 : 1.0;
        var warmUp = TimeSpan.FromSeconds(2 * scale);
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();   // e.g. --only b, or --only a,s,b
        bool Runs(string scenario) => only is null || only.Split(',').Contains(scenario);
        int Ops(int n) => Math.Max(64, (int)(n * scale));
        var payload = "0123456789abcdef"u8.ToArray();
        var results = new List<Measurement>();
        async Task Measure(string scenario, string name, int inFlight, int ops, Func<Task> operation) =>
            results.Add(await Measurement.RunAsync(scenario, name, inFlight, Ops(ops), warmUp, operation));
        var fanOuts = new List<FanOutResult>();
        IReadOnlyList<AgentFootprint.Result>? agents = null;
        var notes = new List<string>();
        var broker = new NatsServerFixture();
        await broker.InitializeAsync();
        try
        {
            if (Runs("a"))
            {
                await using var raw = new RawNats(broker.Url);
                await raw.StartAsync();
                await Measure("a", "(a) raw NATS request/reply", 1, 5000, () => raw.RequestAsync(payload));
                await Measure("a", "(a) raw NATS request/reply", 64, 50000, () => raw.RequestAsync(payload));
            }
            if (Runs("s"))
            {
                using var signing = new Signing();
                await Measure("s.sign", "(s) sign a message (serialize + ed25519)", 1, 20000, signing.SignAsync);
                await Measure("s.verify", "(s) verify a signed message (ed25519)", 1, 20000, signing.VerifyAsync);
            }
            foreach (var durability in Runs("f") ? new[] { "FULL", "NORMAL" } : [])
            {
                using var sqlite = new SqliteCommit(durability);
                await Measure($"f.{durability}", $"(f) SQLite commit, WAL, synchronous={durability}", 1, 2000, () => sqlite.CommitAsync(payload));
            }
            if (Runs("j")) await MeasureJetStreamAsync(Measure, payload);
            if (Runs("p"))
            {
                await Measure("p", "(p) process spawn: /bin/echo hi", 1, 500, ProcessSpawn.EchoAsync);
                await Measure("p", "(p) process spawn: /bin/echo hi", 64, 2000, ProcessSpawn.EchoAsync);
            }
            foreach (var durability in Runs("b") ? new[] { "FULL", "NORMAL" } : [])
            {
                await using var nodes = new NodeToNode(broker.Url, durability);
                await nodes.StartAsync();
                var name = $"(b) node->node ACKed, SQLite synchronous={durability}";
                await Measure($"b.{durability}", name, 1, 1000, () => nodes.DeliverAsync(payload));
                await Measure($"b.{durability}", name, 64, 5000, () => nodes.DeliverAsync(payload));
            }
            if (Runs("c"))
            {
                await using var gateway = new ThroughGateway(broker.Url);
                await gateway.StartAsync();
                await Measure("c", "(c) POST /messages -> SSE reply (echo)", 1, 300, gateway.EchoAsync);
                await Measure("c", "(c) POST /messages -> SSE reply (echo)", 64, 2000, gateway.EchoAsync);
                if (await gateway.UnansweredAsync("(c)") is { } note) notes.Add(note);
            }
            if (Runs("r"))
            {
                await using var gateway = new ThroughGateway(broker.Url);
                await gateway.StartAsync();
                await Measure("r", "(r) POST /messages -> SSE reply (REQPing)", 1, 500, gateway.PingAsync);
                await Measure("r", "(r) POST /messages -> SSE reply (REQPing)", 64, 3000, gateway.PingAsync);
                if (await gateway.UnansweredAsync("(r)") is { } note) notes.Add(note);
            }
            if (Runs("d"))
                foreach (var nodes in new[] { 10, 100, 500 }) fanOuts.Add(await FanOut.RunAsync(broker, nodes, "REQCliCommand"));
            // --fleet 1000,5000: the fleet simulator's sizes, each a fan-out of REQPing to simulator processes of at most
            // --sim-per-process nodes (1000) on a 3-server cluster of its own; --key-change also sends every node a new key set.
            var perProcess = int.Parse(args.SkipWhile(a => a != "--sim-per-process").Skip(1).FirstOrDefault() ?? "1000", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var nodes in (args.SkipWhile(a => a != "--fleet").Skip(1).FirstOrDefault() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
                fanOuts.Add(await FanOut.RunFleetAsync(int.Parse(nodes, System.Globalization.CultureInfo.InvariantCulture), perProcess, args.Contains("--key-change")));
            // --agents: the JIT agent beside the Native AOT agent (issue 13), each a process of its own.
            if (args.Contains(AgentFootprint.Option)) agents = await AgentFootprint.RunAsync(broker.Url, idle: TimeSpan.FromSeconds(30));
        }
        finally
        {
            await broker.DisposeAsync();
        }
        if (agents is not null)
        {
            var section = AgentFootprint.Markdown(agents, loadAtStart);
            Console.WriteLine();
            Console.WriteLine(section);
            if (!args.Contains("--no-write"))
                await Report.WriteAsync(Path.Combine(RepositoryRoot.Path, "bench", "RESULTS.md"), section, Report.AgentsBegin, Report.AgentsEnd);
        }
        var report = Report.Markdown(results, fanOuts, notes, warmUp, loadAtStart);
        Console.WriteLine();
        Console.WriteLine(report);
        if (only is null && !args.Contains("--no-write"))
            await Report.WriteAsync(Path.Combine(RepositoryRoot.Path, "bench", "RESULTS.md"), report);
        return 0;
    }

    /// <summary>(j) on a nats-server of its own, with JetStream storing in a fresh folder, removed afterwards.</summary>
    private static async Task MeasureJetStreamAsync(Func<string, string, int, int, Func<Task>, Task> measure, byte[] payload)
    {
        var store = Directory.CreateTempSubdirectory("steward-bench-jetstream-");
        var server = NatsServerFixture.WithJetStream(store.FullName);
        await server.InitializeAsync();
        try
        {
            await using var jetStream = new JetStreamPublish(server.Url);
            await jetStream.StartAsync();
            await measure("j", "(j) JetStream publish+ack, file storage", 1, 5000, () => jetStream.PublishAsync(payload));
            await measure("j", "(j) JetStream publish+ack, file storage", 64, 50000, () => jetStream.PublishAsync(payload));
        }
        finally
        {
            await server.DisposeAsync();
            store.Delete(recursive: true);
        }
    }
}
