using System.Text;
using Steward.Core.Handlers;

namespace Steward.Core.Tests.Handlers;

/// <summary>A streaming command's output (REQCliCommandCont) when replies go out slower than the command writes.</summary>
public sealed class OutputBackPressureTests
{
    [Fact]
    public async Task A_command_faster_than_its_replies_is_paused_and_never_has_more_than_MaxPendingBytes_waiting()
    {
        var batch = new OutputBatch(TimeProvider.System);
        var run = ProcessRunner.RunAsync(["seq", "1", "2000000"], null, batch.Add, _ => Task.CompletedTask, CancellationToken.None);
        var sent = new MemoryStream();

        // The slowest emitter there is: each batch waits until the command has been made to wait (or is done).
        var rest = await batch.PumpAsync(run, async part =>
        {
            sent.Write(part);
            await Task.WhenAny(run, batch.Paused);
        });
        sent.Write(rest);

        Assert.Equal(0, (await run).ExitCode);
        Assert.InRange(batch.PeakPendingBytes, 1, OutputBatch.MaxPendingBytes);
        Assert.Equal(string.Concat(Enumerable.Range(1, 2_000_000).Select(i => $"{i}\n")), Encoding.UTF8.GetString(sent.ToArray()));
    }

    [Fact]
    public async Task Output_without_newlines_comes_in_pieces_of_MaxBytes()
    {
        var lines = new List<string>();
        var outcome = await ProcessRunner.RunAsync(["bash", "-c", "head -c 1000000 /dev/zero | tr '\\0' a; printf 'b\\r\\nc\\rd'"], null, line =>
        {
            lines.Add(line);
            return ValueTask.CompletedTask;
        }, _ => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(0, outcome.ExitCode);
        Assert.All(lines, line => Assert.True(line.Length <= OutputBatch.MaxBytes, $"a line of {line.Length} characters"));
        Assert.Equal(new string('a', 1_000_000) + "b", string.Concat(lines.SkipLast(2)));
        Assert.Equal(["c", "d"], lines.TakeLast(2));
    }
}
