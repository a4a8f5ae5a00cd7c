using System.Text;
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
}
