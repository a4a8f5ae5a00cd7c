using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Trust;

namespace Steward.Bench;

/// <summary>
/// A fleet simulator process (<c>--sim-nodes N</c>): N agent node runtimes in one process, each as an agent host runs
/// one: its own data folder, key, SQLite file and broker connection, central's key pinned, the default rules. It prints
/// <c>node &lt;name&gt; &lt;public key&gt;</c> for each node, then <c>ready &lt;ms&gt;</c>, and stops its nodes when its standard
/// input closes. Several of these share a machine's nodes because one process may hold 20,000 files at most. The line
/// <c>hello &lt;key set version&gt;</c> makes every node send central its hello at once (<c>hellos &lt;n&gt;</c> when sent).
/// </summary>
/// <remarks>
/// Two settings differ from an agent's defaults, both because thousands of nodes share one machine here: SQLite
/// <c>synchronous=NORMAL</c> (each real agent fsyncs its own disk; here every fsync of thousands of nodes would queue
/// on one), and a hello interval of a day (central answers a hello from a node whose key set differs from its own
/// with the whole set, see docs/scale.md; the simulator measures fan-out, not key distribution).
/// </remarks>
internal static class SimNodes
{
    public const string NodesOption = "--sim-nodes";

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault()
                                   ?? throw new ArgumentException($"{name} is required in the simulator's mode");
        var count = int.Parse(Arg(NodesOption), CultureInfo.InvariantCulture);
        var (prefix, broker, central, centralKey) = (Arg("--sim-prefix"), Arg("--broker"), Arg("--central"), Arg("--central-key"));
        var durability = args.SkipWhile(a => a != "--sim-durability").Skip(1).FirstOrDefault() ?? "NORMAL";
        var root = Directory.CreateTempSubdirectory("steward-sim-");
        var nodes = new List<NodeRuntime>(count);
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var chunk in Enumerable.Range(0, count).Chunk(StartTogether))
                nodes.AddRange(await Task.WhenAll(chunk.Select(i => StartAsync(new StewardOptions
                {
                    NodeName = $"{prefix}-{i}", Broker = broker, CentralNodeName = central, Durability = durability,
                    DataFolder = Path.Combine(root.FullName, $"{prefix}-{i}"), HelloIntervalSeconds = 86_400,
                    TrustedKeys = new(StringComparer.Ordinal) { [central] = centralKey },
                }))));
            var started = clock.ElapsedMilliseconds;
            foreach (var node in nodes) Console.Out.WriteLine($"node {node.NodeName} {node.PublicKey}");
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {started}"));
            await Console.Out.FlushAsync();
            // Until the parent is done with this fleet (or gone).
            while (await Console.In.ReadLineAsync() is { } command)
                if (command.Split(' ') is ["hello", var keySetVersion])
                {
                    await Task.WhenAll(nodes.Chunk(StartTogether).Select(async chunk =>
                    {
                        foreach (var node in chunk) await SendHelloAsync(node, central, keySetVersion);
                    }));
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hellos {nodes.Count}"));
                    await Console.Out.FlushAsync();
                }
            return 0;
        }
        finally
        {
            foreach (var chunk in nodes.Chunk(StartTogether)) await Task.WhenAll(chunk.Select(n => n.DisposeAsync().AsTask()));
            root.Delete(recursive: true);
        }
    }

    /// <summary>How many nodes of one process connect at once: a fleet that starts together, without one huge burst per process.</summary>
    private const int StartTogether = 50;

    /// <summary>
    /// The hello the node's own hello loop sends (HelloSender), now: signed with its key, holding the key set central
    /// holds (<paramref name="keySetVersion"/>), as every node of a fleet does once central's set has reached it.
    /// </summary>
    private static async Task SendHelloAsync(NodeRuntime node, string central, string keySetVersion)
    {
        using var key = NodeKey.LoadOrCreate(node.Context.DataFolder);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var info = new HelloInfo("fleet-sim", RuntimeInformation.OSDescription, "x64", DateTimeOffset.UtcNow, key.PublicKey, keySetVersion);
        var hello = new Message
        {
            Id = now, CreatedAt = now, FromNode = node.NodeName, ToNode = central, Method = Methods.Hello,
            Data = JsonSerializer.SerializeToUtf8Bytes(info, StewardJson.Default.HelloInfo),
        };
        await node.Broker.PublishAsync(Subjects.For(central, Methods.Hello), new MessageSigner(key).Encode(hello));
    }

    private static async Task<NodeRuntime> StartAsync(StewardOptions options)
    {
        var node = new NodeRuntime(options, TimeProvider.System, NullLoggerFactory.Instance);
        await node.StartAsync(CancellationToken.None);
        await node.Receiving.WaitAsync(TimeSpan.FromSeconds(60));
        return node;
    }
}
