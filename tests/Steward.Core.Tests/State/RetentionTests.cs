using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Fleet;
using Steward.Core.Messages;
using Steward.Core.Outbound;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.State;

public sealed class RetentionTests
{
    [Fact]
    public async Task Finished_messages_their_events_old_errors_and_emptied_fan_outs_go_after_the_retention_and_unfinished_ones_stay()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var store = new NodeStore(Directory.CreateTempSubdirectory("steward-retention-").FullName, "FULL", clock, NullLogger.Instance);
        var message = new Message { FromNode = "central", ToNode = "ship1", Method = Methods.None };
        var stored = await store.AddOutboundAsync(new OutboundBatch([message, message, message]), CancellationToken.None);
        await store.SetStateAsync(stored[0].Id, MessageStates.Done);
        await store.SetStateAsync(stored[1].Id, MessageStates.Failed, error: "gone");
        await store.AddErrorAsync(new ErrorEntry { At = clock.GetUtcNow().UtcDateTime, Node = "ship1", Line = "old error" });
        var (fanOut, _) = await store.AddFanOutAsync(new OutboundBatch([message]), new FanOut("role=web", ["ship1"], false, ["ship1"], null), CancellationToken.None);
        await store.SetStateAsync(fanOut[0].Id, MessageStates.Done);

        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal((0, 0), await store.PruneOlderThanAsync(TimeSpan.FromDays(30)));
        await store.AddErrorAsync(new ErrorEntry { At = clock.GetUtcNow().UtcDateTime, Node = "ship1", Line = "new error" });

        Assert.NotNull(await store.Queries.BatchEntryAsync(fanOut[0].Id, CancellationToken.None));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal((3, 1), await store.PruneOlderThanAsync(TimeSpan.FromDays(30)));

        Assert.Null(await store.Queries.FindOutboundAsync(stored[0].Id, CancellationToken.None));
        Assert.Empty(await store.Queries.EventsAsync(stored[1].Id, 0, CancellationToken.None));
        Assert.Equal(MessageStates.Queued, (await store.Queries.FindOutboundAsync(stored[2].Id, CancellationToken.None))!.State);
        Assert.Equal(["new error"], (await store.Queries.ErrorsAsync(0, CancellationToken.None)).Select(e => e.Line));
        Assert.Null(await store.Queries.BatchEntryAsync(fanOut[0].Id, CancellationToken.None));   // its message went: so did its record
    }

    [Fact]
    public async Task A_message_retried_many_times_keeps_one_event_per_state()
    {
        await using var store = new NodeStore(Directory.CreateTempSubdirectory("steward-retries-").FullName, "FULL", TimeProvider.System, NullLogger.Instance);
        var id = (await store.AddOutboundAsync(new OutboundBatch([new Message { FromNode = "central", ToNode = "ship1", Method = Methods.None }]), CancellationToken.None))[0].Id;

        await store.SetStateAsync(id, MessageStates.Sent, attempt: 1);
        for (var attempt = 2; attempt <= 500; attempt++) await store.SetStateAsync(id, MessageStates.Retrying, attempt);

        var events = await store.Queries.EventsAsync(id, 0, CancellationToken.None);
        Assert.Equal([MessageStates.Queued, MessageStates.Sent, MessageStates.Retrying], events.Select(e => e.State));
        Assert.Equal(500, (await store.Queries.FindOutboundAsync(id, CancellationToken.None))!.Attempts);
    }
}
