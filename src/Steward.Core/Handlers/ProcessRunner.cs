using System.Diagnostics;
using System.Text;

namespace Steward.Core.Handlers;

/// <summary>Runs a command as argv (no shell added) and kills its whole process tree when cancelled.</summary>
public static class ProcessRunner
{
    public sealed record Outcome(string StandardOutput, string StandardError, int? ExitCode, bool TimedOut);

    public static async Task<Outcome> RunAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment, CancellationToken ct)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1)) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return new(Read(stdout), Read(stderr), null, TimedOut: true);
        }
        return new(Read(stdout), Read(stderr), process.ExitCode, TimedOut: false);
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer) return buffer.ToString();
    }
}
