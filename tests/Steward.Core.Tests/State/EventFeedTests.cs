using Steward.Core.Outbound;
using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Tests.State;

public sealed class EventFeedTests
{
    private static NodeStore NewStore() =>
        new(Directory.CreateTempSubdirectory("steward-feed-").FullName, "FULL", TimeProvider.System, NullLogger.Instance);

    [Fact]
    public async Task Committed_events_reach_their_message_and_its_batch_with_the_seq_they_were_stored_under()
    {
        await using var store = NewStore();
        var sent = await store.AddOutboundAsync(new OutboundBatch(
            [new Message { FromNode = "central", ToNode = "ship1", Method = Methods.None }, new Message { FromNode = "central", ToNode = "ship2", Method = Methods.None }],
            AsBatch: true), CancellationToken.None);
        var (first, second) = (sent[0].Id, sent[1].Id);   // the batch's id is its first message's
        using var firstMessage = store.Feed.SubscribeMessage(first);
        using var batch = store.Feed.SubscribeBatch(first);

        await store.SetStateAsync(second, MessageStates.Sent, attempt: 1);
        await store.SetStateAsync(first, MessageStates.Sent, attempt: 1);
        await store.AddEventAsync(first, EventKinds.Reply, "ship1", "hello\n");

        var stored = (await store.Queries.BatchEventsAsync(first, 0, CancellationToken.None)).Where(e => e.Kind != EventKinds.State || e.State != MessageStates.Queued).ToList();
        Assert.Equal(stored.Select(e => (e.Seq, e.MessageId, e.Kind)), (await Take(batch, 3)).Select(e => (e.Seq, e.MessageId, e.Kind)));
        Assert.Equal(stored.Where(e => e.MessageId == first).Select(e => e.Seq), (await Take(firstMessage, 2)).Select(e => e.Seq));
    }

    [Fact]
    public async Task An_error_entry_comes_back_and_is_pushed_with_its_seq()
    {
        await using var store = NewStore();
        using var errors = store.Feed.SubscribeErrors();

        var entry = await store.AddErrorAsync(Entry(1, 10));

        Assert.Equal(entry.Seq, (await Take(errors, 1))[0].Seq);
        Assert.Equal(entry.Seq, Assert.Single(await store.Queries.ErrorsAsync(0, CancellationToken.None)).Seq);
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_is_dropped_at_its_budget_and_the_one_that_reads_gets_everything()
    {
        await using var store = NewStore();
        using var stalled = store.Feed.SubscribeErrors();
        using var reading = store.Feed.SubscribeErrors();
        await using var live = reading.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        var sizeOfOne = EventFeed.SizeOf(Entry(0, 10_000));
        var count = (int)(2 * EventFeed.BytesPerSubscriber / sizeOfOne);

        var added = new List<long>();
        for (var i = 0; i < count; i++)
        {
            added.Add((await store.AddErrorAsync(Entry(i, 10_000))).Seq);
            Assert.True(await live.MoveNextAsync());
            Assert.Equal(added[^1], live.Current.Seq);
        }

        var held = new List<long>();
        await foreach (var e in stalled.ReadAllAsync(CancellationToken.None)) held.Add(e.Seq);   // ends: it was dropped
        Assert.InRange(held.Count * sizeOfOne, 1, EventFeed.BytesPerSubscriber);
        Assert.Equal(added.Take(held.Count), held);
    }

    [Fact]
    public async Task A_subscriber_that_is_disposed_is_forgotten()
    {
        await using var store = NewStore();
        IDisposable[] subscriptions = [store.Feed.SubscribeErrors(), store.Feed.SubscribeMessage(7), store.Feed.SubscribeBatch(7), store.Feed.SubscribeMessage(7)];
        Assert.Equal(4, store.Feed.Subscribers);

        foreach (var subscription in subscriptions) subscription.Dispose();

        Assert.Equal(0, store.Feed.Subscribers);
    }

    private static ErrorEntry Entry(int i, int length) =>
        new() { At = DateTime.UtcNow, Node = "ship1", Line = $"entry {i} ".PadRight(length, 'x') };

    private static async Task<List<T>> Take<T>(Subscription<T> subscription, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var items = new List<T>();
        await foreach (var item in subscription.ReadAllAsync(timeout.Token))
        {
            items.Add(item);
            if (items.Count == count) break;
        }
        return items;
    }
}
