using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// Issue 13: the JIT agent (<c>dotnet Steward.Agent.dll</c>, from the agent's own build output) beside the Native AOT
/// agent (<c>artifacts/agent-linux-x64/Steward.Agent</c>), one after the other in the same run, against the same central
/// (a node in this process) and broker. For each: what it takes on disk; how long from its start until central has stored
/// its first <c>REQHello</c> (the time central writes on the node's row, less the time just before the process was
/// started), over several starts; its resident memory after 30 s connected and idle; and after 1,000
/// <c>REQCliCommand ["echo","hi"]</c> handled, 64 in flight.
/// </summary>
internal static class AgentFootprint
{
    public const string Option = "--agents";
    public const int Commands = 1000;
    public const int InFlight = 64;
    public const int Starts = 5;

    public sealed record Result(
        string Agent, string Files, long SizeBytes, IReadOnlyList<double> StartToHelloMs, long IdleRssKiB, long IdleAnonymousKiB, double IdleCpuSeconds,
        long AfterCommandsRssKiB, long PeakRssKiB, double CommandsSeconds);

    /// <summary>The agent's build output: what <c>dotnet Steward.Agent.dll</c> needs beside the .NET runtime.</summary>
    private static string JitFolder => Path.Combine(RepositoryRoot.Path, "src", "Steward.Agent", "bin", Configuration, "net10.0");

    /// <summary>The benchmark's own configuration (its folder is <c>bin/&lt;configuration&gt;/net10.0</c>): the agent was built with it.</summary>
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static async Task<IReadOnlyList<Result>> RunAsync(string brokerUrl, TimeSpan idle)
    {
        if (!File.Exists(HostProcess.AotAgent))
            throw new FileNotFoundException($"the Native AOT agent is not at {HostProcess.AotAgent}; build it with {HostProcess.AotAgentBuild}");
        await using var central = await TestNode.StartAsync(brokerUrl, Names.Next("benchcentral"));
        var finished = new ConcurrentDictionary<long, TaskCompletionSource<string>>();
        central.Store.StateChanged += (id, state) =>
        {
            if (MessageStates.IsFinal(state)) Finished(finished, id).TrySetResult(state);
        };
        var jitFiles = Directory.EnumerateFiles(JitFolder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(JitFolder, f).StartsWith("linux-x64/", StringComparison.Ordinal))   // an AOT publish's own files
            .Select(f => new FileInfo(f)).ToList();
        var symbols = new FileInfo(HostProcess.AotAgent + ".dbg");
        return
        [
            await MeasureAsync(central, finished, brokerUrl, idle, "JIT: dotnet Steward.Agent.dll", Path.Combine(JitFolder, "Steward.Agent.dll"),
                $"`src/Steward.Agent/bin/{Configuration}/net10.0/`, {jitFiles.Count} files (every RID's native SQLite and libsodium; .NET runtime not counted)",
                jitFiles.Sum(f => f.Length)),
            await MeasureAsync(central, finished, brokerUrl, idle, "Native AOT: Steward.Agent", HostProcess.AotAgent,
                $"`artifacts/agent-linux-x64/Steward.Agent`, 1 file, no runtime needed (its symbols apart: Steward.Agent.dbg, {(symbols.Exists ? symbols.Length / 1_000_000 : 0)} MB)",
                new FileInfo(HostProcess.AotAgent).Length),
        ];
    }

    private static async Task<Result> MeasureAsync(
        NodeRuntime central, ConcurrentDictionary<long, TaskCompletionSource<string>> finished, string brokerUrl, TimeSpan idle, string agent, string host, string files, long size)
    {
        var name = Names.Next("benchagent");
        var data = Directory.CreateTempSubdirectory("steward-bench-agent-").FullName;
        TestFleet.EnrollFolder(name, data);   // its key is made here, before any clock starts
        string[] args = ["--node", name, "--broker", brokerUrl, "--data", data, "--central", central.NodeName];
        var helloMs = new List<double>();
        long idleRss, idleAnonymous, afterRss, peakRss;
        double idleCpu, commandsSeconds;

        var launched = DateTime.UtcNow;
        await using (var first = await HostProcess.StartAsync(host, args))
        {
            helloMs.Add(await StartToHelloAsync(central, name, launched));
            await Task.Delay(idle);
            (idleRss, idleAnonymous, idleCpu) = (ProcFs.RssKiB(first.Id), ProcFs.AnonymousRssKiB(first.Id), ProcFs.CpuSeconds(first.Id));
            var clock = Stopwatch.StartNew();
            await HandleCommandsAsync(central, finished, name);
            commandsSeconds = clock.Elapsed.TotalSeconds;
            (afterRss, peakRss) = (ProcFs.RssKiB(first.Id), ProcFs.PeakRssKiB(first.Id));
            await first.StopAsync();
        }
        for (var i = 1; i < Starts; i++)
        {
            launched = DateTime.UtcNow;
            await using var again = await HostProcess.StartAsync(host, args);
            helloMs.Add(await StartToHelloAsync(central, name, launched));
            await again.StopAsync();
        }
        Console.WriteLine($"{agent}: start → hello {string.Join(", ", helloMs.Select(ms => $"{ms:F0}"))} ms; idle RSS {idleRss / 1024} MiB ({idleAnonymous / 1024} MiB its own); after {Commands} commands {afterRss / 1024} MiB (peak {peakRss / 1024}) in {commandsSeconds:F1} s");
        return new Result(agent, files, size, helloMs, idleRss, idleAnonymous, idleCpu, afterRss, peakRss, commandsSeconds);
    }

    /// <summary>When central stored the agent's first hello since <paramref name="launched"/> (its row's last-seen time), in ms after it.</summary>
    private static async Task<double> StartToHelloAsync(NodeRuntime central, string name, DateTime launched)
    {
        var seen = await Until.ValueAsync($"central stored a hello of {name}", async () =>
            (await central.Queries.NodesAsync(CancellationToken.None)).FirstOrDefault(n => n.Name == name && n.LastSeen >= launched));
        return (seen.LastSeen - launched).TotalMilliseconds;
    }

    private static async Task HandleCommandsAsync(NodeRuntime central, ConcurrentDictionary<long, TaskCompletionSource<string>> finished, string agent)
    {
        using var slots = new SemaphoreSlim(InFlight);
        await Task.WhenAll(Enumerable.Range(0, Commands).Select(async command =>
        {
            await slots.WaitAsync();
            try
            {
                var id = (await central.Outbox.AcceptAsync(new Message { ToNode = agent, Method = Methods.CliCommand, MethodArgs = ["echo", "hi"] }))[0];
                var state = await Finished(finished, id).Task.WaitAsync(TimeSpan.FromSeconds(60));
                finished.TryRemove(id, out _);
                if (state != MessageStates.Done) throw new InvalidOperationException($"message {id} to {agent} ended {state}");
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary>The section of bench/RESULTS.md for issue 13: both agents side by side, then the AOT agent's targets.</summary>
    public static string Markdown(IReadOnlyList<Result> results, string loadAtStart)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}; load average (1, 5, 15 min) at start: {loadAtStart}, at end: {Report.LoadAverage()}");
        text.AppendLine($"- command: `{HostProcess.AotAgentBuild.Split(" (")[0]}`, then `dotnet run -c Release --project bench/Steward.Bench -- --only none {Option}`");
        text.AppendLine($"- both against one central (a node in the benchmark's process) and one nats-server on 127.0.0.1, one after the other; MB = 10⁶ bytes. Start → hello: from just before the process is started until the time central wrote on the node's row when it stored the hello, {Starts} starts (the first on a new data folder). RSS is VmRSS; after the idle 30 s, {Commands:N0} `REQCliCommand [\"echo\",\"hi\"]` from central, {InFlight} in flight, each until its reply was recorded.").AppendLine();
        text.AppendLine("| agent | on disk | size MB | start → hello ms, median (each) | idle RSS MB, 30 s connected | of it, its own (RssAnon) MB | CPU-s by then | RSS MB after 1,000 commands | peak RSS MB | 1,000 commands s |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Agent} | {r.Files} | {Mb(r.SizeBytes):F1} | {Median(r.StartToHelloMs):F0} ({string.Join(", ", r.StartToHelloMs.Select(ms => ms.ToString("F0", CultureInfo.InvariantCulture)))}) | {Mb(r.IdleRssKiB * 1024):F1} | {Mb(r.IdleAnonymousKiB * 1024):F1} | {r.IdleCpuSeconds:F2} | {Mb(r.AfterCommandsRssKiB * 1024):F1} | {Mb(r.PeakRssKiB * 1024):F1} | {r.CommandsSeconds:F1} |");
        var aot = results[^1];
        text.AppendLine().AppendLine("Targets (issue 13) for the Native AOT agent, from the row above:").AppendLine();
        text.AppendLine("| target | measured | goal | met |");
        text.AppendLine("|---|---:|---:|---|");
        foreach (var (what, measured, goal, met) in new[]
        {
            ("idle RSS, 30 s connected", $"{Mb(aot.IdleRssKiB * 1024):F1} MB", "≤ 30 MB", Mb(aot.IdleRssKiB * 1024) <= 30),
            ("one file, no runtime", $"{Mb(aot.SizeBytes):F1} MB", "≤ 30 MB", Mb(aot.SizeBytes) <= 30),
            ("start → first REQHello stored by central (median)", $"{Median(aot.StartToHelloMs):F0} ms", "≤ 300 ms", Median(aot.StartToHelloMs) <= 300),
        })
            text.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {measured} | {goal} | {(met ? "yes" : "**no**")} |");
        return text.ToString();
    }

    private static double Mb(long bytes) => bytes / 1_000_000.0;

    private static double Median(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);

    // Both sides ask for the same completion, so a state change that comes before the caller looks is not lost.
    private static TaskCompletionSource<string> Finished(ConcurrentDictionary<long, TaskCompletionSource<string>> finished, long id) =>
        finished.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
}
