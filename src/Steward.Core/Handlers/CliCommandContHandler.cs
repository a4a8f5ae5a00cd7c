using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQCliCommandCont</c>: runs <c>methodArgs</c> like <c>REQCliCommand</c> but replies with its output as it comes,
/// batched, until the command exits or <c>methodTimeout</c> ends the stream (and kills the process tree).
/// </summary>
internal sealed class CliCommandContHandler(TimeProvider time, Func<Message, ProcessGroup, Task> recordGroup) : IStreamingHandler
{
    public string Method => Methods.CliCommandCont;

    public async Task<HandlerResult> StreamAsync(Message message, Func<HandlerResult, Task> emit, CancellationToken ct)
    {
        var batch = new OutputBatch(time);
        if (message.RerunOnRestart == false) await recordGroup(message, ProcessGroup.Starting).ConfigureAwait(false);
        var run = ProcessRunner.RunAsync(StewardData.Arguments(message), StewardData.Environment(message), batch.Add, group => recordGroup(message, group), ct);
        var rest = await batch.PumpAsync(run, part => emit(new HandlerResult(part))).ConfigureAwait(false);
        var outcome = await run.ConfigureAwait(false);
        var error = outcome.ExitCode is { } code and not 0 ? $"exit code {code}: {outcome.StandardError.Trim()}" : null;
        return new HandlerResult(rest, outcome.ExitCode, error);
    }
}
