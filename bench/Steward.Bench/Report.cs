using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Steward.Bench;

/// <summary>The results table, with each row's throughput as a ratio of the raw NATS baseline at the same concurrency.</summary>
internal static class Report
{
    private const string Begin = "<!-- results:begin (written by bench/Steward.Bench) -->";
    private const string End = "<!-- results:end -->";

    /// <summary>Replaces the generated part of the results file and keeps the hand-written analysis around it.</summary>
    public static async Task WriteAsync(string path, string table)
    {
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        var (begin, end) = (existing.IndexOf(Begin, StringComparison.Ordinal), existing.IndexOf(End, StringComparison.Ordinal));
        var generated = $"{Begin}\n{table}{End}";
        await File.WriteAllTextAsync(path, begin >= 0 && end > begin
            ? existing[..begin] + generated + existing[(end + End.Length)..]
            : $"# Benchmark results\n\n{generated}\n");
    }

    public static string Markdown(IReadOnlyList<Measurement> results, IReadOnlyList<FanOutResult> fanOuts)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Environment.ProcessorCount} cores, {Cpu()}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        text.AppendLine("- broker: nats-server on 127.0.0.1, started by the benchmark; payload 16 bytes");
        text.AppendLine("- command: `dotnet run -c Release --project bench/Steward.Bench`").AppendLine();
        text.AppendLine("| scenario | in flight | msgs/s | p50 ms | p99 ms | vs (a) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var baseline = results.FirstOrDefault(b => b.Name.StartsWith("(a)", StringComparison.Ordinal) && b.InFlight == r.InFlight) ?? r;
            var ratio = r.Name.StartsWith("(s)", StringComparison.Ordinal) ? "—" : (r.PerSecond / baseline.PerSecond).ToString("P1", CultureInfo.InvariantCulture);   // (s) is no delivery
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.InFlight} | {r.PerSecond:F0} | {r.P50Ms:F3} | {r.P99Ms:F3} | {ratio} |");
        }
        if (fanOuts.Count > 0)
        {
            text.AppendLine().AppendLine("(d) fan-out: `POST /messages/batch` of one `REQCliCommand [\"echo\",\"hi\"]` to N agent nodes (in the benchmark's process) through the gateway process, read on `GET /batches/{id}/events`:").AppendLine();
            text.AppendLine("| nodes | all ACKed ms | all replied ms | gateway RSS MiB |");
            text.AppendLine("|---:|---:|---:|---:|");
            foreach (var f in fanOuts)
                text.AppendLine(CultureInfo.InvariantCulture, $"| {f.Nodes} | {f.AllAckedMs:F0} | {f.AllRepliedMs:F0} | {f.GatewayRssKiB / 1024} |");
        }
        return text.ToString();
    }

    private static string Cpu() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
