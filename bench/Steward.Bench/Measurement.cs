using System.Diagnostics;

namespace Steward.Bench;

/// <summary>One measured row: throughput and latency percentiles of <c>total</c> operations with <c>inFlight</c> at a time.</summary>
internal sealed record Measurement(string Name, int InFlight, int Total, double PerSecond, double P50Ms, double P99Ms)
{
    public static async Task<Measurement> RunAsync(string name, int inFlight, int total, Func<Task> operation)
    {
        for (var i = 0; i < Math.Min(total / 10, 50); i++) await operation();   // warm-up: JIT, connections, pools
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
        var result = new Measurement(name, inFlight, total, total / elapsed, latencies[total / 2], latencies[(int)(total * 0.99)]);
        Console.WriteLine($"{name,-48} {inFlight,3} in flight: {result.PerSecond,9:F0} msgs/s  p50 {result.P50Ms,7:F3} ms  p99 {result.P99Ms,7:F3} ms");
        return result;
    }
}
