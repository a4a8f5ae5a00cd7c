using System.Text;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary><c>REQCliCommand</c>: runs <c>methodArgs</c> as argv and replies with stdout and the exit code.</summary>
internal sealed class CliCommandHandler(Func<Message, ProcessGroup, Task> recordGroup) : IMethodHandler
{
    public string Method => Methods.CliCommand;

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var argv = StewardData.Arguments(message);
        ProcessRunner.Outcome outcome;
        if (message.RerunOnRestart == false) await recordGroup(message, ProcessGroup.Starting).ConfigureAwait(false);
        try
        {
            outcome = await ProcessRunner.RunAsync(argv, StewardData.Environment(message), onLine: null, group => recordGroup(message, group), ct)
                .ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new HandlerResult([], ExitCode: null, Error: $"cannot start the command (through {GroupLauncher.Name}): {e.Message}");
        }
        var error = outcome switch
        {
            { TimedOut: true } => $"method timed out after {message.MethodTimeout}s: {string.Join(' ', argv)}",
            { ExitCode: not 0 } => $"exit code {outcome.ExitCode}: {outcome.StandardError.Trim()}",
            _ => null,
        };
        return new HandlerResult(Encoding.UTF8.GetBytes(outcome.StandardOutput), outcome.ExitCode, error);
    }
}
