using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

/// <summary>The original's "remove messages from the queue on nodes, by message ID and/or time duration".</summary>
[Collection(BrokerCollection.Name)]
public sealed class QueueClearingTests(NatsServerFixture broker) : GatewayTest(broker)
{
    private readonly string _ship = Names.Next("ship");
    private NodeRuntime _agent = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _agent = await TestNode.StartAsync(Broker.Url, _ship, o => o.CentralNodeName = Gateway.NodeName);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _agent.DisposeAsync();
    }

    private Task<long[]> QueueForAsync(string node, int count) => Client.PostMessagesAsync(
        "[" + string.Join(",", Enumerable.Repeat($$"""{"toNode":"{{node}}","method":"REQNone","ACKTimeout":5,"retries":100}""", count)) + "]");

    [Fact]
    public async Task Clearing_the_queue_of_one_node_cancels_its_unfinished_messages_and_no_others()
    {
        var (gone, other) = (Names.Next("ghost"), Names.Next("ghost"));
        var forGone = await QueueForAsync(gone, 3);
        var forOther = await QueueForAsync(other, 1);

        var response = await Client.DeleteAsync($"/messages?node={gone}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(forGone.Order(), answer.GetProperty("ids").EnumerateArray().Select(id => id.GetInt64()).Order());
        Assert.Equal(3, answer.GetProperty("count").GetInt32());
        foreach (var id in forGone) Assert.Equal("cancelled", await Client.StateOfAsync(id));
        Assert.NotEqual("cancelled", await Client.StateOfAsync(forOther[0]));
    }

    [Fact]
    public async Task Clearing_the_queue_of_a_node_that_is_gone_leaves_it_empty_with_one_cancel_for_it()
    {
        var ghost = Names.Next("ghost");
        var ids = await QueueForAsync(ghost, 3);
        foreach (var id in ids) await Until.TrueAsync("it was tried", async () => await Client.StateOfAsync(id) is "sent" or "retrying");

        Assert.Equal(HttpStatusCode.Accepted, (await Client.DeleteAsync($"/messages?node={ghost}")).StatusCode);

        var left = (await Client.GetFromJsonAsync<JsonElement>($"/messages?node={ghost}"))!.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("state").GetString() is not ("cancelled" or "done" or "failed" or "rejected"))
            .Select(m => m.GetProperty("method").GetString()).ToList();
        Assert.Equal(["REQOpCancel"], left);   // one for the node, naming all three; clearing again cancels it and asks nothing
        var again = await (await Client.DeleteAsync($"/messages?node={ghost}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, again.GetProperty("count").GetInt32());
        Assert.DoesNotContain((await Client.GetFromJsonAsync<JsonElement>($"/messages?node={ghost}"))!.GetProperty("messages").EnumerateArray(),
            m => m.GetProperty("state").GetString() is not ("cancelled" or "done" or "failed" or "rejected"));
    }

    [Fact]
    public async Task Clearing_by_age_takes_only_the_messages_queued_longer_than_that()
    {
        var ghost = Names.Next("ghost");
        var ids = await QueueForAsync(ghost, 2);

        var none = await (await Client.DeleteAsync($"/messages?node={ghost}&olderThan=1h")).Content.ReadFromJsonAsync<JsonElement>();
        var all = await (await Client.DeleteAsync($"/messages?node={ghost}&olderThan=0s")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(0, none.GetProperty("count").GetInt32());
        Assert.Equal(2, all.GetProperty("count").GetInt32());
        foreach (var id in ids) Assert.Equal("cancelled", await Client.StateOfAsync(id));
    }

    [Theory]
    [InlineData("/messages", "node")]
    [InlineData("/messages?olderThan=yesterday", "olderThan")]
    [InlineData("/messages?state=done", "state")]
    [InlineData("/messages?olderThan=99999999d", "olderThan")]
    public async Task A_clear_without_a_filter_or_with_a_bad_one_is_a_400_naming_it(string path, string field)
    {
        var response = await Client.DeleteAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task An_agent_clears_its_own_queue_when_an_operator_sends_it_REQOpClearQueue()
    {
        var ghost = Names.Next("ghost");
        var queued = await _agent.Outbox.AcceptAsync(
            Enumerable.Range(0, 2).Select(_ => new Message { ToNode = ghost, Method = Methods.None, AckTimeout = 5, Retries = 100 }));

        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{_ship}}","method":"REQOpClearQueue","methodArgs":["{{queued[0]}}"]}""");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = await Client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);
        var reply = JsonDocument.Parse(events.Single(e => e.Event == "reply").Data).RootElement.GetProperty("output").GetString();
        Assert.Equal($"cancelled 1 message(s): {queued[0]}\n", reply);
        Assert.Equal(MessageStates.Cancelled, (await _agent.Queries.FindOutboundAsync(queued[0], CancellationToken.None))!.State);
        Assert.NotEqual(MessageStates.Cancelled, (await _agent.Queries.FindOutboundAsync(queued[1], CancellationToken.None))!.State);
    }
}
