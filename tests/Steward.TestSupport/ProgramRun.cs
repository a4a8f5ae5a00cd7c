using System.Diagnostics;

namespace Steward.TestSupport;

/// <summary>A program run to its end (a script, a tool the tests check with): its exit code, pid, stdout and stderr.</summary>
public sealed record ProgramRun(int ExitCode, int Pid, string Output, string Errors)
{
    public static async Task<ProgramRun> RunAsync(
        string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return new ProgramRun(process.ExitCode, process.Id, await output, await errors);
    }
}
