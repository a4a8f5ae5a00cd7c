using System.Diagnostics;
using System.Text;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

public sealed class CliCommandHandlerTests
{
    private readonly CliCommandHandler _handler = new((_, _) => Task.CompletedTask);

    [Fact]
    public async Task Stdout_and_the_exit_code_come_back_and_no_shell_is_added()
    {
        var result = await _handler.HandleAsync(new Message { MethodArgs = ["echo", "$HOME; rm -rf /"] }, CancellationToken.None);

        Assert.Equal("$HOME; rm -rf /\n", Encoding.UTF8.GetString(result.Data!));
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task A_failing_command_reports_its_exit_code_and_stderr()
    {
        var result = await _handler.HandleAsync(new Message { MethodArgs = ["bash", "-c", "echo broken >&2; exit 3"] }, CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("exit code 3: broken", result.Error);
    }

    [Fact]
    public async Task A_missing_program_is_an_error_not_a_crash()
    {
        var result = await _handler.HandleAsync(new Message { MethodArgs = ["/nonexistent/steward-test"] }, CancellationToken.None);

        Assert.Equal(127, result.ExitCode);   // as a shell would say: command not found
        Assert.Contains("failed to execute /nonexistent/steward-test: No such file or directory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_the_method_timeout_the_whole_process_tree_is_killed()
    {
        var marker = $"steward-test-{Guid.NewGuid():N}";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var result = await _handler.HandleAsync(
            new Message { MethodArgs = ["bash", "-c", $"(exec -a {marker}-child sleep 300) & exec -a {marker} sleep 301"], MethodTimeout = 1 }, timeout.Token);

        Assert.Null(result.ExitCode);
        Assert.StartsWith("method timed out", result.Error, StringComparison.Ordinal);
        await Until.TrueAsync("no process of the command is left", () => !Processes.WithCommandLine(marker).Any());
    }
}
