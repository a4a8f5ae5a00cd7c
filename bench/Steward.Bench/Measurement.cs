using System.Diagnostics;
using System.Globalization;

namespace Steward.Bench;

/// <summary>
/// One measured row: throughput and latency percentiles with <c>inFlight</c> operations at a time, the median of
/// <see cref="Repetitions"/> runs taken after a warm-up that is thrown away. <c>Scenario</c> is the key the targets
/// look rows up by (e.g. <c>b.FULL</c>); <c>Runs</c> is each repetition's throughput, to show the spread.
/// </summary>
internal sealed record Measurement(string Scenario, string Name, int InFlight, double PerSecond, double P50Ms, double P99Ms, IReadOnlyList<double> Runs)
{
    public const int Repetitions = 3;
    private const int WarmUpOps = 300;

    /// <summary>
    /// Runs the warm-up (at least <see cref="WarmUpOps"/> operations, or <c>total</c> if fewer, and at least
    /// <paramref name="warmUp"/> of time, at the same concurrency: long enough for tiered JIT to reach its optimized
    /// code and for connections and pools to fill), then <see cref="Repetitions"/> runs of <paramref name="total"/>.
    /// </summary>
    public static async Task<Measurement> RunAsync(string scenario, string name, int inFlight, int total, TimeSpan warmUp, Func<Task> operation)
    {
        await WarmUpAsync(inFlight, Math.Min(total, WarmUpOps), warmUp, operation);
        var runs = new List<Run>();
        for (var i = 0; i < Repetitions; i++) runs.Add(await RunOnceAsync(inFlight, total, operation));
        var result = new Measurement(scenario, name, inFlight,
            Median(runs.Select(r => r.PerSecond)), Median(runs.Select(r => r.P50Ms)), Median(runs.Select(r => r.P99Ms)), runs.Select(r => r.PerSecond).ToList());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-52} {inFlight,3} in flight: {result.PerSecond,9:F0} msgs/s  p50 {result.P50Ms,8:F3} ms  p99 {result.P99Ms,8:F3} ms  (runs {string.Join(", ", result.Runs.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))})"));
        return result;
    }

    private sealed record Run(double PerSecond, double P50Ms, double P99Ms);

    private static async Task WarmUpAsync(int inFlight, int ops, TimeSpan warmUp, Func<Task> operation)
    {
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Volatile.Read(ref done) < ops || clock.Elapsed < warmUp)
            {
                await operation();
                Interlocked.Increment(ref done);
            }
        }));
    }

    private static async Task<Run> RunOnceAsync(int inFlight, int total, Func<Task> operation)
    {
        var latencies = new double[total];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < total;)
            {
                var started = Stopwatch.GetTimestamp();
                await operation();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Run(total / elapsed, latencies[total / 2], latencies[(int)(total * 0.99)]);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
