using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

[Collection(BrokerCollection.Name)]
public sealed class TailFileHandlerTests(NatsServerFixture broker)
{
    [Fact]
    public async Task REQTailFile_sends_new_lines_and_keeps_following_through_truncation_and_rotation()
    {
        var (nodes, log, id) = await StartTailAsync("old line, before the tail started\n");
        await using var running = nodes;

        await AppendUntilSeenAsync(nodes, id, log, "first");
        await File.WriteAllTextAsync(log, "");   // truncated, as by logrotate's copytruncate
        await AppendUntilSeenAsync(nodes, id, log, "after truncation");
        File.Move(log, log + ".1");               // rotated: renamed, and a new file created
        await File.WriteAllTextAsync(log, "");
        await AppendUntilSeenAsync(nodes, id, log, "after rotation");

        Assert.DoesNotContain("old line", await OutputAsync(nodes, id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_sent_in_pieces_instead_of_held_in_memory()
    {
        var (nodes, log, id) = await StartTailAsync("");
        await using var running = nodes;

        // Keep appending a line that never ends until pieces of it arrive: without the limit, nothing ever would.
        await Until.TrueAsync("pieces of the endless line arrive", async () =>
        {
            await File.AppendAllTextAsync(log, new string('z', 32 * 1024));
            return (await OutputAsync(nodes, id)).Length >= 2 * Steward.Core.Handlers.TailFileHandler.MaxLineBytes;
        });

        var pieces = (await OutputAsync(nodes, id)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(pieces, p => Assert.True(p.Length <= Steward.Core.Handlers.TailFileHandler.MaxLineBytes, $"a piece of {p.Length} bytes"));
    }

    /// <summary>Two nodes, a file holding <paramref name="content"/>, and a REQTailFile of it from the sender.</summary>
    private async Task<(NodePair Nodes, string Log, long Id)> StartTailAsync(string content)
    {
        var nodes = await NodePair.StartAsync(broker.Url);
        var log = Path.Combine(Directory.CreateTempSubdirectory("steward-tail-").FullName, "app.log");
        await File.WriteAllTextAsync(log, content);
        var id = (await nodes.Sender.Outbox.AcceptAsync(new Message
        {
            ToNode = nodes.Receiver.NodeName, Method = Methods.TailFile, MethodArgs = [log], MethodTimeout = 60,
        }))[0];
        return (nodes, log, id);
    }

    // The tail starts at the end of the file at some moment: keep writing the line until a reply shows it.
    private static Task AppendUntilSeenAsync(NodePair nodes, long id, string log, string line) =>
        Until.TrueAsync($"the tail sent '{line}'", async () =>
        {
            await File.AppendAllTextAsync(log, line + "\n");
            return (await OutputAsync(nodes, id)).Contains(line + "\n", StringComparison.Ordinal);
        });

    private static async Task<string> OutputAsync(NodePair nodes, long id) => string.Concat((await nodes.RepliesAsync(id)).Select(r => r.Output));
}
