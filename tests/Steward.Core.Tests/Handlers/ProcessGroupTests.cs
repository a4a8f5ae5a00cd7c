using Steward.Core.Handlers;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

/// <summary>
/// Stopping a recorded process group, as a restarted node does with a command that outlived the node: only the group
/// that was recorded, all of it, and by force when it ignores SIGTERM.
/// </summary>
public sealed class ProcessGroupTests
{
    private readonly string _marker = $"steward-test-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_recorded_group_whose_pid_now_belongs_to_another_process_is_left_alone()
    {
        using var running = new CancellationTokenSource();
        var (group, run) = await StartAsync(["bash", "-c", $"exec -a {_marker} sleep 60"], running.Token);
        var recordedBeforeReuse = group with { StartTicks = group.StartTicks - 1 };   // what a group with this pid that started earlier left

        var stopped = await recordedBeforeReuse.StopAsync(TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);

        Assert.Equal(ProcessGroup.Stopped.WasNotRunning, stopped);
        Assert.Single(Processes.WithCommandLine(_marker));
        await running.CancelAsync();
        await run;
    }

    [Fact]
    public async Task What_is_left_of_a_group_after_its_leader_exited_is_stopped()
    {
        var noted = Path.Combine(Directory.CreateTempSubdirectory("steward-group-").FullName, "noted");
        ProcessGroup? group = null;
        await ProcessRunner.RunAsync(
            ["bash", "-c", $"(exec -a {_marker} sleep 60) > /dev/null 2>&1 & until [ -e '{noted}' ]; do sleep 0.05; done"], null, null,
            g =>
            {
                group = g;
                File.WriteAllText(noted, "");   // the leader exits only once its group is known
                return Task.CompletedTask;
            },
            CancellationToken.None);
        Assert.Single(Processes.WithCommandLine(_marker));   // the leader has exited and closed its output: the command is over

        var stopped = await group!.StopAsync(TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);

        Assert.Equal(ProcessGroup.Stopped.Terminated, stopped);
        Assert.Empty(Processes.WithCommandLine(_marker));
    }

    [Fact]
    public async Task A_group_that_ignores_SIGTERM_is_killed_after_the_grace()
    {
        var (group, run) = await StartAsync(["bash", "-c", $"trap '' TERM; exec -a {_marker} sleep 60"], CancellationToken.None);

        var stopped = await group.StopAsync(TimeSpan.FromMilliseconds(200), TimeProvider.System, CancellationToken.None);

        Assert.Equal(ProcessGroup.Stopped.Killed, stopped);
        Assert.Empty(Processes.WithCommandLine(_marker));
        Assert.Equal(137, (await run).ExitCode);
    }

    /// <summary>Starts the command and returns once it runs as <see cref="_marker"/>, with the group it leads.</summary>
    private async Task<(ProcessGroup Group, Task<ProcessRunner.Outcome> Run)> StartAsync(string[] argv, CancellationToken ct)
    {
        var started = new TaskCompletionSource<ProcessGroup>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ProcessRunner.RunAsync(argv, null, null, group => Task.FromResult(started.TrySetResult(group)), ct);
        var group = await started.Task.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        // Named, not mentioned: the shell that execs it has the marker in its command line before its trap is set.
        await Until.TrueAsync("the command runs", () => Processes.Named(_marker).Any());
        return (group, run);
    }
}
