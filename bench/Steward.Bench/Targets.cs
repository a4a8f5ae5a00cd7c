using System.Globalization;

namespace Steward.Bench;

/// <summary>One target of issue 11: what was measured, the goal, and whether it was met (null when a row it needs was not run).</summary>
internal sealed record Target(string What, string Measured, string Goal, bool? Met);

/// <summary>
/// The targets of issue 11, each from rows of the same run. At 1 in flight a row's mean latency is 1 / its throughput;
/// the floor of a FULL delivery uses mean latencies so that it compares like with like against (b)'s throughput.
/// </summary>
internal static class Targets
{
    public static IEnumerable<Target> From(IReadOnlyList<Measurement> results)
    {
        Measurement? Row(string scenario, int inFlight) => results.FirstOrDefault(r => r.Scenario == scenario && r.InFlight == inFlight);

        var (full1, commit, raw1) = (Row("b.FULL", 1), Row("f.FULL", 1), Row("a", 1));
        yield return full1 is null || commit is null || raw1 is null
            ? Missing("node→node FULL, 1 in flight, vs the floor 1 / (2 × FULL commit + raw NATS round trip)", "≥ 80 %")
            : Ratio("node→node FULL, 1 in flight, vs the floor 1 / (2 × FULL commit + raw NATS round trip)",
                full1.PerSecond, 1000 / (2 * MeanMs(commit) + MeanMs(raw1)), 0.80);
        yield return Ratio("node→node FULL, 64 in flight, vs raw NATS request/reply at 64", Row("b.FULL", 64), Row("a", 64), 0.30);
        yield return Ratio("node→node NORMAL, 64 in flight, vs JetStream publish+ack at 64", Row("b.NORMAL", 64), Row("j", 64), 0.50);
        yield return Row("r", 1) is { } ping1
            ? new Target("POST → SSE reply, in-process method (REQPing), p50 at 1 in flight", Format($"{ping1.P50Ms:F2} ms"), "< 3 ms", ping1.P50Ms < 3)
            : Missing("POST → SSE reply, in-process method (REQPing), p50 at 1 in flight", "< 3 ms");
        yield return Row("r", 64) is { } ping64
            ? new Target("POST → SSE reply, in-process method (REQPing), msgs/s at 64 in flight", Format($"{ping64.PerSecond:F0} msgs/s"), "≥ 2,000 msgs/s", ping64.PerSecond >= 2000)
            : Missing("POST → SSE reply, in-process method (REQPing), msgs/s at 64 in flight", "≥ 2,000 msgs/s");
        yield return Ratio("POST → SSE reply, echo, 64 in flight, vs process spawn at 64", Row("c", 64), Row("p", 64), 0.50);
    }

    private static double MeanMs(Measurement atOneInFlight) => 1000 / atOneInFlight.PerSecond;

    private static Target Ratio(string what, Measurement? measured, Measurement? baseline, double goal) =>
        measured is null || baseline is null ? Missing(what, $"≥ {Percent(goal)}") : Ratio(what, measured.PerSecond, baseline.PerSecond, goal);

    private static Target Ratio(string what, double measured, double baseline, double goal) =>
        new(what, Format($"{measured / baseline:P0} ({measured:F0} of {baseline:F0} msgs/s)"), $"≥ {Percent(goal)}", measured / baseline >= goal);

    private static Target Missing(string what, string goal) => new(what, "not measured", goal, null);

    private static string Percent(double ratio) => ratio.ToString("P0", CultureInfo.InvariantCulture);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
