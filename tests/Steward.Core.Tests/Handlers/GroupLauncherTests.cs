using Steward.Core.Handlers;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

/// <summary>
/// The launcher the macOS agent starts every command through (perl's setsid(2), then exec), run here with Debian's perl:
/// macOS has no setsid command, and only a command that leads its own group, under its own pid, is killed whole at its
/// timeout.
/// </summary>
public sealed class GroupLauncherTests
{
    [Fact]
    public async Task The_macOS_launcher_runs_the_command_under_its_own_pid_as_the_leader_of_a_new_process_group()
    {
        var (output, pid, exitCode, _) = await RunAsync(["sh", "-c", "echo $$ $(cut -d' ' -f5 /proc/$$/stat)"]);

        Assert.Equal(0, exitCode);
        Assert.Equal($"{pid} {pid}", output.Trim());   // the shell is the process started, and its group is its own pid
    }

    [Fact]
    public async Task The_macOS_launcher_passes_the_arguments_as_they_are_and_names_a_command_it_cannot_run()
    {
        Assert.Equal("-e\n$HOME 'quoted' two  spaces\n", (await RunAsync(["printf", "%s\n", "-e", "$HOME 'quoted' two  spaces"])).Output);

        var (_, _, exitCode, error) = await RunAsync(["no-such-command-here"]);
        Assert.NotEqual(0, exitCode);
        Assert.StartsWith("cannot run no-such-command-here: ", error, StringComparison.Ordinal);
    }

    /// <summary>Runs argv through the macOS launcher, as <see cref="ProcessRunner"/> would there.</summary>
    private static async Task<(string Output, int Pid, int ExitCode, string Error)> RunAsync(string[] argv)
    {
        var run = await ProgramRun.RunAsync(GroupLauncher.Perl[0], GroupLauncher.Perl.Skip(1).Concat(argv), timeout: TimeSpan.FromSeconds(20));
        return (run.Output, run.Pid, run.ExitCode, run.Errors);
    }
}
