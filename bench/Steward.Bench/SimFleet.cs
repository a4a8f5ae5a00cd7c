using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Steward.Bench;

/// <summary>
/// The fleet simulator seen from the benchmark: <see cref="SimNodes"/> processes started side by side, each with at
/// most <c>perProcess</c> nodes, and the names and keys of all their nodes once they are up. Disposing closes their
/// standard input, so they stop their nodes and exit.
/// </summary>
internal sealed class SimFleet : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);

    private SimFleet()
    {
    }

    /// <summary>Every simulated node's name with its public key.</summary>
    public IReadOnlyDictionary<string, string> Keys => _keys;

    public IReadOnlyList<int> ProcessIds => _processes.Select(p => p.Id).ToList();

    /// <summary>From the first process started to the last node subscribed.</summary>
    public TimeSpan StartedIn { get; private set; }

    public static async Task<SimFleet> StartAsync(int count, int perProcess, string brokerUrls, string central, string centralKey)
    {
        var fleet = new SimFleet();
        var clock = Stopwatch.StartNew();
        try
        {
            var sizes = Enumerable.Range(0, (count + perProcess - 1) / perProcess).Select(p => Math.Min(perProcess, count - (p * perProcess))).ToList();
            var started = sizes.Select((size, p) => fleet.StartProcess(size, $"sim{p}", brokerUrls, central, centralKey)).ToList();
            foreach (var keys in await Task.WhenAll(started))
                foreach (var (name, key) in keys) fleet._keys[name] = key;
            fleet.StartedIn = clock.Elapsed;
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    private async Task<List<(string Name, string Key)>> StartProcess(int size, string prefix, string brokerUrls, string central, string centralKey)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { typeof(SimFleet).Assembly.Location, SimNodes.NodesOption, size.ToString(CultureInfo.InvariantCulture),
                     "--sim-prefix", prefix, "--broker", brokerUrls, "--central", central, "--central-key", centralKey })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the simulator process did not start");
        lock (_processes) _processes.Add(process);
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors) errors.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        var nodes = new List<(string, string)>(size);
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(10)) is { } line)
        {
            var parts = line.Split(' ');
            if (parts is ["node", var name, var key]) nodes.Add((name, key));
            else if (parts is ["ready", _] && nodes.Count == size) return nodes;
        }
        lock (errors) throw new InvalidOperationException($"simulator {prefix} ended before its {size} nodes were up:\n{errors}");
    }

    /// <summary>Every simulated node sends central its hello at once; completes when all are published.</summary>
    public async Task SendHellosAsync(string keySetVersion)
    {
        foreach (var process in _processes)
        {
            await process.StandardInput.WriteLineAsync($"hello {keySetVersion}");
            await process.StandardInput.FlushAsync();
        }
        foreach (var process in _processes)
            while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(5)) is { } line && !line.StartsWith("hellos ", StringComparison.Ordinal))
            {
            }
    }

    /// <summary>The CPU time the simulator processes have used together so far.</summary>
    public double CpuSeconds() => _processes.Sum(p => ProcFs.CpuSeconds(p.Id));

    /// <summary>The simulator processes' resident memory together, in KiB.</summary>
    public long RssKiB() => _processes.Sum(p => ProcFs.RssKiB(p.Id));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) process.StandardInput.Close();
        foreach (var process in _processes)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }
}
