using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Steward.Bench;

/// <summary>The results table, and the targets of issue 11 computed from rows of the same run.</summary>
internal static class Report
{
    private const string Begin = "<!-- round 2 results:begin (written by bench/Steward.Bench) -->";
    private const string End = "<!-- round 2 results:end -->";

    /// <summary>The markers of the agents' section (issue 13), written by <c>--agents</c>.</summary>
    public const string AgentsBegin = "<!-- issue 13 agents:begin (written by bench/Steward.Bench --agents) -->";
    public const string AgentsEnd = "<!-- issue 13 agents:end -->";

    /// <summary>
    /// Replaces the generated part of the results file between <paramref name="begin"/> and <paramref name="end"/> (the
    /// round 2 results by default) and keeps the hand-written analysis around it; a part not there yet goes first.
    /// </summary>
    public static async Task WriteAsync(string path, string table, string begin = Begin, string end = End)
    {
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        var (from, to) = (existing.IndexOf(begin, StringComparison.Ordinal), existing.IndexOf(end, StringComparison.Ordinal));
        var generated = $"{begin}\n{table}{end}";
        await File.WriteAllTextAsync(path, from >= 0 && to > from
            ? existing[..from] + generated + existing[(to + end.Length)..]
            : $"{generated}\n\n{existing}");
    }

    public static string Markdown(IReadOnlyList<Measurement> results, IReadOnlyList<FanOutResult> fanOuts, IReadOnlyList<string> notes, TimeSpan warmUp, string loadAtStart)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Environment.ProcessorCount} cores, {Cpu()}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average (1, 5, 15 min) at start: {loadAtStart}, at end: {LoadAverage()} (anything else running shares the cores and the disk)");
        text.AppendLine("- broker: nats-server on 127.0.0.1, started by the benchmark (a second one with `-js` for (j)); payload 16 bytes");
        text.AppendLine(CultureInfo.InvariantCulture, $"- each row: a warm-up (≥ 300 ops and ≥ {warmUp.TotalSeconds:0.#} s at the same concurrency, thrown away), then the median of {Measurement.Repetitions} runs; the last column is each run's msgs/s");
        text.AppendLine("- command: `dotnet run -c Release --project bench/Steward.Bench`").AppendLine();
        text.AppendLine("| scenario | in flight | msgs/s | p50 ms | p99 ms | runs msgs/s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.InFlight} | {r.PerSecond:F0} | {r.P50Ms:F3} | {r.P99Ms:F3} | {string.Join(", ", r.Runs.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))} |");
        foreach (var note in notes) text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Note: {note}.");
        text.AppendLine().AppendLine("Targets (issue 11), from the rows above:").AppendLine();
        text.AppendLine("| target | measured | goal | met |");
        text.AppendLine("|---|---:|---:|---|");
        foreach (var target in Targets.From(results))
            text.AppendLine(CultureInfo.InvariantCulture, $"| {target.What} | {target.Measured} | {target.Goal} | {target.Met switch { true => "yes", false => "**no**", null => "—" }} |");
        if (fanOuts.Count > 0)
        {
            text.AppendLine().AppendLine("(d) fan-out: `POST /messages/batch` of one message (`REQCliCommand [\"echo\",\"hi\"]`, or `REQPing` with `--fleet`: the fleet simulator) to N agent nodes, each with its own broker connection and SQLite file, through the gateway process, read on `GET /batches/{id}/events` to its end; three times, and all but the *cold* column are of the third (the gateway warm, as a long-running one is); RSS is each process's peak (VmHWM):").AppendLine();
            text.AppendLine("| nodes | method | where | nodes up s | cold: all replied ms | all ACKed ms | all replied ms | replies committed by ms | stream lag ms (max) | gateway RSS MiB | gateway CPU-s | broker RSS MiB | broker CPU-s | connections | subscriptions | simulator RSS MiB | simulator CPU-s | load (1 min) |");
            text.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var f in fanOuts)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {f.Nodes} | {f.Method} | {f.Where} | {f.StartedSeconds:F1} | {f.ColdRepliedMs:F0} | {f.AllAckedMs:F0} | {f.AllRepliedMs:F0} | {f.RepliesCommittedMs:F0} | {f.MaxStreamLagMs:F0} | {f.GatewayPeakRssKiB / 1024} | {f.GatewayCpuSeconds:F1} | {string.Join(" / ", f.BrokerPeakRssKiB.Select(k => k / 1024))} | {f.BrokerCpuSeconds:F1} | {string.Join(" / ", f.Connections)} | {string.Join(" / ", f.Subscriptions)} | {f.SimRssKiB / 1024} | {f.SimCpuSeconds:F1} | {f.Load} |");
            if (fanOuts.Any(f => f.Extras is not null))
            {
                text.AppendLine().AppendLine("Fleet simulator, after the fan-outs: every node's hello at once (each holding central's key set), central's files, and the cluster's third server killed (SIGKILL) under its clients:").AppendLine();
                text.AppendLine("| nodes | hellos: all stored ms | hellos: gateway CPU-s | key sets sent | one key set, bytes | central db bytes / message | audit.log bytes / message | gateway bytes written / node (measured fan-out) | clients of the killed server | all reconnected ms |");
                text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var (f, x) in fanOuts.Where(f => f.Extras is not null).Select(f => (f, f.Extras!)))
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"| {f.Nodes} | {x.HelloStormMs:F0} | {x.HelloCpuSeconds:F1} | {x.KeysUpdatesSent} | {x.KeySetBytes} | {x.DbBytes / Math.Max(1, x.OutboundRows)} | {x.AuditBytes / Math.Max(1, x.OutboundRows)} | {x.GatewayWrittenBytes / f.Nodes} | {x.FailoverClients} | {x.FailoverMs:F0} |");
            }
        }
        return text.ToString();
    }

    /// <summary>The machine's load average, as /proc/loadavg gives it.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Cpu() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
