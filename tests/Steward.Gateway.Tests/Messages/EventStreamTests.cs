using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

[Collection(BrokerCollection.Name)]
public sealed class EventStreamTests(NatsServerFixture broker) : GatewayTest(broker)
{

    protected override void Configure(GatewayFactory gateway) => gateway.Settings["Steward:SseHeartbeatSeconds"] = "1";

    [Fact]
    public async Task AClient_that_reconnects_with_Last_Event_ID_gets_the_rest_without_loss_or_repeats()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var ship = await TestNode.StartAsync(Broker.Url, Names.Next("ship"));
        var id = (await Client.PostMessagesAsync($$"""{"toNode":"{{ship.NodeName}}","method":"REQCliCommandCont","methodArgs":["bash","-c","for i in 1 2 3 4; do echo $i; sleep 0.3; done"]}"""))[0];

        var before = new List<SseEvent>();
        using (var firstConnection = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
        {
            try
            {
                await foreach (var e in ServerSentEvents.ReadAsync(Client, $"/messages/{id}/events", ct: firstConnection.Token))
                {
                    before.Add(e);
                    if (e.Event == "reply") await firstConnection.CancelAsync();   // the connection drops mid-stream
                }
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested) { }
        }
        var after = new List<SseEvent>();
        await foreach (var e in ServerSentEvents.ReadAsync(Client, $"/messages/{id}/events", lastEventId: before[^1].Id, ct: timeout.Token)) after.Add(e);

        var whole = await Client.ReadEventsUntilFinalAsync(id, timeout.Token);
        Assert.Equal(whole.Select(e => e.Id), before.Concat(after).Select(e => e.Id));
        Assert.Equal("1\n2\n3\n4\n", string.Concat(before.Concat(after).Where(e => e.Event == "reply").Select(e => e.Field("output"))));
    }

    [Fact]
    public async Task A_quiet_stream_sends_heartbeat_comments()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var id = (await Client.PostMessagesAsync($$"""{"toNode":"{{Names.Next("ghost")}}","method":"REQNone","ACKTimeout":5,"retries":10}"""))[0];
        using var response = await Client.GetAsync($"/messages/{id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);

        var heartbeats = 0;
        while (heartbeats < 2 && await reader.ReadLineAsync(timeout.Token) is { } line)
            if (line == ": heartbeat") heartbeats++;

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, heartbeats);
    }

    private NodeStore Store => Gateway.Services.GetRequiredService<NodeRuntime>().Store;

    [Fact]
    public async Task A_stream_opened_before_the_node_answers_gets_the_reply_as_it_comes_and_ends_at_the_final_state()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var shipName = Names.Next("ship");
        var id = (await Client.PostMessagesAsync($$"""{"toNode":"{{shipName}}","method":"REQCliCommand","methodArgs":["echo","pushed"],"ACKTimeout":1,"retries":30,"retryWait":1}"""))[0];
        await using var stream = ServerSentEvents.ReadAsync(Client, $"/messages/{id}/events", ct: timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await stream.MoveNextAsync());   // the stream is open and has read what was stored: queued
        var events = new List<SseEvent> { stream.Current };

        await using var ship = await TestNode.StartAsync(Broker.Url, shipName);
        while (await stream.MoveNextAsync()) events.Add(stream.Current);

        Assert.Equal("queued", events[0].Field("state"));
        Assert.Equal("pushed\n", Assert.Single(events, e => e.Event == "reply").Field("output"));
        Assert.Equal("done", events[^1].Field("state"));
        Assert.Equal((await Client.ReadEventsUntilFinalAsync(id, timeout.Token)).Select(e => e.Id), events.Select(e => e.Id));
    }

    [Fact]
    public async Task A_batch_stream_has_only_its_messages_events_and_ends_when_every_message_is_final()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var names = new[] { Names.Next("ship"), Names.Next("ship") };
        var posted = await Client.PostAsync("/messages/batch",
            JsonContent.Create(new { toNodes = names, method = "REQCliCommand", methodArgs = new[] { "echo", "up" }, ACKTimeout = 1, retries = 30, retryWait = 1 }), timeout.Token);
        var batchId = (await posted.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("batchId").GetInt64();
        await Client.PostMessagesAsync($$"""{"toNode":"{{names[0]}}","method":"REQCliCommand","methodArgs":["echo","not in the batch"],"ACKTimeout":1,"retries":30,"retryWait":1}""");
        await using var stream = ServerSentEvents.ReadAsync(Client, $"/batches/{batchId}/events", ct: timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await stream.MoveNextAsync());
        var events = new List<SseEvent> { stream.Current };
        // The batch's id is its first message's: that message's own stream must not get the other node's events.
        var firstMessage = Client.ReadEventsUntilFinalAsync(batchId, timeout.Token);

        await using var ship0 = await TestNode.StartAsync(Broker.Url, names[0]);
        await using var ship1 = await TestNode.StartAsync(Broker.Url, names[1]);
        while (await stream.MoveNextAsync()) events.Add(stream.Current);

        Assert.Equal(["up\n", "up\n"], events.Where(e => e.Event == "reply").Select(e => e.Field("output")));
        Assert.Equal(names.Order(), events.Where(e => e.Field("state") == "done").Select(e => e.Field("node")).Order());
        Assert.All(await firstMessage, e => Assert.Equal(batchId.ToString(CultureInfo.InvariantCulture), e.Field("messageId")));
    }

    [Fact]
    public async Task Last_Event_ID_resumes_right_after_that_event_wherever_it_is()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var ship = await TestNode.StartAsync(Broker.Url, Names.Next("ship"));
        var id = (await Client.PostMessagesAsync($$"""{"toNode":"{{ship.NodeName}}","method":"REQCliCommandCont","methodArgs":["bash","-c","echo 1; echo 2"]}"""))[0];
        var whole = await Client.ReadEventsUntilFinalAsync(id, timeout.Token);

        for (var i = 0; i < whole.Count; i++)
        {
            var rest = new List<string?>();
            await foreach (var e in ServerSentEvents.ReadAsync(Client, $"/messages/{id}/events", lastEventId: whole[i].Id, ct: timeout.Token)) rest.Add(e.Id);
            Assert.Equal(whole.Skip(i + 1).Select(e => e.Id), rest);
        }
    }

    [Fact]
    public async Task A_backlog_of_20000_errors_streams_out_whole_from_Last_Event_ID_then_live()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var added = await Task.WhenAll(Enumerable.Range(0, 20_000).Select(i => Store.AddErrorAsync(Error($"backlog {i}"))));
        var resumeAfter = added[7_321].Seq;   // not on a page boundary
        var expected = (await Store.Queries.ErrorsAsync(resumeAfter, timeout.Token)).Select(e => (string?)e.Seq.ToString(CultureInfo.InvariantCulture)).ToList();
        await using var stream = ServerSentEvents.ReadAsync(Client, "/errors/events", lastEventId: resumeAfter.ToString(CultureInfo.InvariantCulture), ct: timeout.Token)
            .GetAsyncEnumerator(timeout.Token);

        var received = new List<string?>();
        while (received.Count < expected.Count && await stream.MoveNextAsync()) received.Add(stream.Current.Id);
        var live = await Store.AddErrorAsync(Error("live"));

        Assert.Equal(expected, received);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(live.Seq.ToString(CultureInfo.InvariantCulture), stream.Current.Id);
        Assert.Equal(100, (await Client.GetFromJsonAsync<JsonElement[]>("/errors", timeout.Token))!.Length);   // the list is paged too
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync("/errors?limit=20000", timeout.Token)).StatusCode);
    }

    [Fact]
    public async Task A_client_that_stops_reading_makes_no_other_stream_lose_events_and_later_gets_all_of_them_itself()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var stalled = ServerSentEvents.ReadAsync(Client, "/errors/events", ct: timeout.Token).GetAsyncEnumerator(timeout.Token);
        await using var reading = ServerSentEvents.ReadAsync(Client, "/errors/events", ct: timeout.Token).GetAsyncEnumerator(timeout.Token);
        var first = await Store.AddErrorAsync(Error("first"));
        Assert.True(await stalled.MoveNextAsync());   // both follow live; from now on one of them is not read
        Assert.True(await reading.MoveNextAsync());

        // Far more than the stalled stream's budget and the transport's buffers, with lines long enough to fill them.
        const int Count = 3_000;
        var readingAll = ReadUntilAsync(reading, $"flood {Count - 1} ");
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Store.AddErrorAsync(Error($"flood {i} ".PadRight(2_000, 'x')))));
        var expected = (await Store.Queries.ErrorsAsync(first.Seq, timeout.Token)).Select(e => (string?)e.Seq.ToString(CultureInfo.InvariantCulture)).ToList();

        Assert.Equal(expected, await readingAll);
        Assert.Equal(expected, await ReadUntilAsync(stalled, $"flood {Count - 1} "));
    }

    [Fact]
    public async Task Closed_streams_leave_nothing_subscribed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var id = (await Client.PostMessagesAsync($$"""{"toNode":"{{Names.Next("ghost")}}","method":"REQNone","ACKTimeout":5,"retries":10}"""))[0];
        var streams = new[] { $"/messages/{id}/events", $"/errors/events" }
            .Select(url => ServerSentEvents.ReadAsync(Client, url, ct: timeout.Token).GetAsyncEnumerator(timeout.Token)).ToList();
        await Store.AddErrorAsync(Error("one for the error stream"));
        foreach (var stream in streams) Assert.True(await stream.MoveNextAsync());
        Assert.Equal(2, Store.Feed.Subscribers);

        foreach (var stream in streams) await stream.DisposeAsync();

        await Until.TrueAsync("the closed streams unsubscribed", () => Store.Feed.Subscribers == 0);
    }

    private static ErrorEntry Error(string line) => new() { At = DateTime.UtcNow, Node = "ship1", Line = line };

    private static async Task<List<string?>> ReadUntilAsync(IAsyncEnumerator<SseEvent> stream, string lastLineStart)
    {
        var ids = new List<string?>();
        while (await stream.MoveNextAsync())
        {
            ids.Add(stream.Current.Id);
            if (stream.Current.Field("line").StartsWith(lastLineStart, StringComparison.Ordinal)) break;
        }
        return ids;
    }
}
