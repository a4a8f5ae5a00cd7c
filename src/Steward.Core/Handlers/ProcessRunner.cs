using System.Diagnostics;
using System.Text;

namespace Steward.Core.Handlers;

/// <summary>Runs a command as argv (no shell added) and kills its whole process tree when cancelled.</summary>
public static class ProcessRunner
{
    public sealed record Outcome(string StandardOutput, string StandardError, int? ExitCode, bool TimedOut);

    /// <summary>Runs the command; stdout lines go to <paramref name="onLine"/> when given, else into the outcome.</summary>
    public static async Task<Outcome> RunAsync(
        IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment, Action<string>? onLine, CancellationToken ct)
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
        onLine ??= line => { lock (stdout) stdout.Append(line).Append('\n'); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            timedOut = true;
        }
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);   // also drains the redirected output
        return new(Read(stdout), Read(stderr), timedOut ? null : process.ExitCode, timedOut);
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer) return buffer.ToString();
    }
}
