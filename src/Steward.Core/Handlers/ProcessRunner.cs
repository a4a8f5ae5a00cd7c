using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Steward.Core.Handlers;

/// <summary>
/// Runs a command as argv (no shell added) in a process group of its own, and kills the whole group when cancelled:
/// also the children that left their parent (<c>sleep 300 &amp;</c>), which a process-tree kill would miss.
/// </summary>
public static partial class ProcessRunner
{
    private const int SigKill = 9;
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(2);
    public sealed record Outcome(string StandardOutput, string StandardError, int? ExitCode, bool TimedOut);

    /// <summary>Runs the command; stdout lines go to <paramref name="onLine"/> when given, else into the outcome.</summary>
    public static async Task<Outcome> RunAsync(
        IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment, Action<string>? onLine, CancellationToken ct)
    {
        // setsid (util-linux) makes the command the leader of a new process group whose id is its pid, then execs it.
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var arg in argv) start.ArgumentList.Add(arg);
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
            KillGroup(process);
            timedOut = true;
        }
        // Waiting also drains the redirected output, which a child still running in the background may hold open.
        using var drain = new CancellationTokenSource(DrainLimit);
        try
        {
            await process.WaitForExitAsync(drain.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillGroup(process);
        }
        return new(Read(stdout), Read(stderr), timedOut ? null : process.ExitCode, timedOut);
    }

    private static void KillGroup(Process process)
    {
        _ = KillProcessGroup(-process.Id, SigKill);   // fails harmlessly when the group is already gone
        if (!process.HasExited) process.Kill(entireProcessTree: true);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int KillProcessGroup(int pid, int signal);

    private static string Read(StringBuilder buffer)
    {
        lock (buffer) return buffer.ToString();
    }
}
