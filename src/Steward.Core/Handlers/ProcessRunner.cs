using System.Diagnostics;
using System.Text;

namespace Steward.Core.Handlers;

/// <summary>
/// Runs a command as argv (no shell added, on every platform) in a process group of its own (a Job Object on Windows),
/// and kills the whole group when cancelled: also the children that left their parent (<c>sleep 300 &amp;</c>), which a
/// process-tree kill would miss.
/// </summary>
/// <remarks>
/// The group is made by exec'ing a launcher (<see cref="GroupLauncher"/>), which costs a second exec per command: .NET 10
/// has no way to start a process in a new group or session on Unix (<c>ProcessStartInfo.CreateNewProcessGroup</c> is
/// Windows only), and <c>posix_spawn</c> with <c>POSIX_SPAWN_SETSID</c> would mean hand-writing the pipes, environment
/// and reaping.
/// </remarks>
public static class ProcessRunner
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(2);
    public sealed record Outcome(string StandardOutput, string StandardError, int? ExitCode, bool TimedOut);

    /// <summary>
    /// Runs the command; stdout lines go to <paramref name="onLine"/> when given, else into the outcome. The next line is
    /// read only once <paramref name="onLine"/> is done with the last, so a consumer that waits pauses the command (its
    /// pipe fills). A line longer than <see cref="OutputBatch.MaxBytes"/> characters comes in pieces of that size. Its
    /// process group goes to <paramref name="started"/> as soon as it runs (unless it has already exited), before it is
    /// waited on.
    /// </summary>
    public static async Task<Outcome> RunAsync(
        IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment, Func<string, ValueTask>? onLine,
        Func<ProcessGroup, Task> started, CancellationToken ct)
    {
        // The launcher makes the command the leader of a new process group whose id is its pid, then execs it.
        IReadOnlyList<string> command = [.. GroupLauncher.Prefix, .. argv];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        onLine ??= line =>
        {
            lock (stdout) stdout.Append(line).Append('\n');
            return ValueTask.CompletedTask;
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.Start();
        using var job = OperatingSystem.IsWindows() ? JobObject.Holding(process) : null;
        process.StandardInput.Close();
        var reading = ReadLinesAsync(process.StandardOutput, onLine);
        process.BeginErrorReadLine();
        // Handed over at once but not awaited before the wait: a node queues the write ahead of anything the command's end
        // leads to, so a short command need not wait for a commit of its own.
        var recording = RecordAsync(process.Id, started);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillGroup(process, job);
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
            KillGroup(process, job);
        }
        // stdout is read apart from the exit: its rest still goes to onLine (as fast as onLine takes it) until methodTimeout,
        // or for what is left of DrainLimit after it; then it is left to end when the pipe closes.
        try
        {
            await reading.WaitAsync(timedOut ? drain.Token : ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillGroup(process, job);
            timedOut = true;
        }
        await recording.ConfigureAwait(false);
        return new(Read(stdout), Read(stderr), timedOut ? null : process.ExitCode, timedOut);
    }

    private static async Task RecordAsync(int leader, Func<ProcessGroup, Task> started)
    {
        if (ProcessGroup.Led(leader) is { } group) await started(group).ConfigureAwait(false);
    }

    private static async Task ReadLinesAsync(StreamReader output, Func<string, ValueTask> onLine)
    {
        var splitter = new LineSplitter(OutputBatch.MaxBytes);
        var buffer = new char[16 * 1024];
        var lines = new List<string>();
        for (int read; (read = await output.ReadAsync(buffer).ConfigureAwait(false)) > 0; lines.Clear())
        {
            splitter.Split(buffer.AsSpan(0, read), lines);
            foreach (var line in lines) await onLine(line).ConfigureAwait(false);
        }
        if (splitter.Rest() is { } last) await onLine(last).ConfigureAwait(false);
    }

    private static void KillGroup(Process process, JobObject? job)
    {
        if (OperatingSystem.IsWindows()) job?.Terminate();
        else ProcessGroup.Signal(process.Id, ProcessGroup.SigKill);
        if (!process.HasExited) process.Kill(entireProcessTree: true);
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer) return buffer.ToString();
    }
}
