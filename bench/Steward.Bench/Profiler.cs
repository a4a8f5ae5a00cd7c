using System.Diagnostics;
using System.Globalization;

namespace Steward.Bench;

/// <summary>
/// An optional profiler attached to the gateway for the fan-out alone: <c>STEWARD_BENCH_PROFILE</c> is a command with
/// <c>{pid}</c> and <c>{nodes}</c>, e.g. <c>perf record -F 999 -g -p {pid} -o /tmp/gateway-{nodes}.data</c> (with
/// <c>DOTNET_PerfMapEnabled=1</c> exported, so the gateway writes its JIT symbols). It is stopped with SIGINT.
/// </summary>
internal sealed class Profiler : IAsyncDisposable
{
    private readonly Process _process;

    private Profiler(Process process) => _process = process;

    public static Profiler? StartIfAsked(int pid, int nodes)
    {
        if (Environment.GetEnvironmentVariable("STEWARD_BENCH_PROFILE") is not { Length: > 0 } command) return null;
        command = command.Replace("{pid}", pid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{nodes}", nodes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var process = Process.Start("sh", ["-c", $"exec {command}"]);
        Thread.Sleep(1000);   // perf needs a moment to attach; this is the benchmark's set-up, not its measurement
        return new Profiler(process);
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])) await stop.WaitForExitAsync();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
