using Steward.Core.Outbound;
using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.State;

public sealed class DuplicateMemoryTests
{
    [Fact]
    public async Task A_received_message_is_recognised_again_until_it_is_older_than_the_retention()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var store = new NodeStore(Directory.CreateTempSubdirectory("steward-dedup-").FullName, "FULL", clock, NullLogger.Instance);
        var message = new Message { FromNode = "central", Id = 42, ToNode = "ship1", Method = Methods.None };
        Assert.True(await store.AddInboundAsync(message));
        await store.FinishInboundAsync(message);

        clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, await store.ForgetInboundOlderThanAsync(TimeSpan.FromDays(7)));
        Assert.False(await store.AddInboundAsync(message));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await store.ForgetInboundOlderThanAsync(TimeSpan.FromDays(7)));
        Assert.True(await store.AddInboundAsync(message));
    }

    [Fact]
    public async Task An_inbox_file_taken_before_a_crash_is_not_sent_again_when_it_is_found_once_more()
    {
        await using var store = new NodeStore(Directory.CreateTempSubdirectory("steward-input-").FullName, "FULL", TimeProvider.System, NullLogger.Instance);
        var file = Path.Combine(Directory.CreateTempSubdirectory("steward-inbox-").FullName, "ask.json");
        var content = "{}"u8.ToArray();
        await File.WriteAllBytesAsync(file, content);
        var message = new Message { FromNode = "ship1", ToNode = "ship2", Method = Methods.None };

        var first = await store.AddOutboundAsync(new OutboundBatch([message], Input: LocalInput.File(file, content)), CancellationToken.None);
        var again = await store.AddOutboundAsync(new OutboundBatch([message], Input: LocalInput.File(file, content)), CancellationToken.None);   // the node restarted before it removed the file

        Assert.Single(first);
        Assert.Empty(again);
    }
}
