using System.Diagnostics;
using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Telemetry;

/// <summary>
/// The W3C trace context a message carries (<c>traceParent</c>): one trace from the span a message is sent in, through its
/// handling on the receiver, to its reply handled on the sender; across a restart; and never a reason to refuse a message.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TraceContextTests(NatsServerFixture broker) : IDisposable
{
    private readonly SpanRecorder _spans = new();
    private readonly RunCounter _runs = new();

    public void Dispose() => _spans.Dispose();

    /// <summary>A recorded span of the test's own, as an operator's tool would start one.</summary>
    private static Activity Recorded(string name)
    {
        var span = new Activity(name).SetIdFormat(ActivityIdFormat.W3C).Start();
        span.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        return span;
    }

    [Fact]
    public async Task A_span_of_a_node_whose_tracing_is_off_is_not_passed_on_the_receiver_traces_the_message_itself()
    {
        await using var central = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        // As ASP.NET Core makes for every request with no tracing configured: a span of its own, not recorded.
        using var unrecorded = new Activity("request on a gateway that does not trace").SetIdFormat(ActivityIdFormat.W3C).Start();

        await central.Outbox.AcceptAsync(new Message { ToNode = ship.NodeName, Method = Methods.CliCommand, MethodArgs = ["true"] });

        var handle = await _spans.EndedAsync(ship.NodeName, "handle REQCliCommand");
        Assert.NotEqual(unrecorded.TraceId, handle.TraceId);   // its "not sampled" would have made the ship's SDK drop the trace
    }

    [Fact]
    public async Task A_trace_a_node_was_given_goes_on_through_it_even_when_it_records_nothing_itself()
    {
        await using var central = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        const string ClientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        // As ASP.NET Core makes for a request with a client's traceparent header: a span continuing the client's trace.
        using var request = new Activity("request with a traceparent header").SetParentId($"00-{ClientTrace}-00f067aa0ba902b7-01").Start();

        await central.Outbox.AcceptAsync(new Message { ToNode = ship.NodeName, Method = Methods.CliCommand, MethodArgs = ["true"] });

        var handle = await _spans.EndedAsync(ship.NodeName, "handle REQCliCommand");
        Assert.Equal(ClientTrace, handle.TraceId.ToHexString());
    }

    [Fact]
    public async Task A_command_and_its_reply_are_one_trace_from_the_span_it_was_sent_in()
    {
        await using var central = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        using var operatorSpan = Recorded("operator request");

        var ids = await central.Outbox.AcceptAsync(new Message { ToNode = ship.NodeName, Method = Methods.CliCommand, MethodArgs = ["echo", "traced"] });
        operatorSpan.Stop();

        await Wait.ForStateAsync(central, ids[0], MessageStates.Done, TimeSpan.FromSeconds(20));
        var publish = await _spans.EndedAsync(central.NodeName, "publish REQCliCommand");
        var handle = await _spans.EndedAsync(ship.NodeName, "handle REQCliCommand");
        var replyPublish = await _spans.EndedAsync(ship.NodeName, "publish REQToFileAppend");
        var replyHandle = await _spans.EndedAsync(central.NodeName, "handle REQToFileAppend");
        Assert.All([publish, handle, replyPublish, replyHandle], span => Assert.Equal(operatorSpan.TraceId, span.TraceId));
        Assert.Equal(operatorSpan.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, handle.ParentSpanId);
        Assert.Equal(handle.SpanId, replyPublish.ParentSpanId);
        Assert.Equal(replyPublish.SpanId, replyHandle.ParentSpanId);
        Assert.Equal(ids[0], handle.GetTagItem("steward.message.id"));
        Assert.Equal(Methods.CliCommand, handle.GetTagItem("steward.method"));
        Assert.Equal(0, handle.GetTagItem("steward.exit_code"));
        Assert.Equal("acked", publish.GetTagItem("steward.delivery"));
    }

    [Fact]
    public async Task A_delivery_given_up_is_reported_in_its_own_messages_trace_not_in_that_of_the_message_that_started_its_publisher()
    {
        var centralName = Names.Next("central");
        await using var central = await TestNode.StartAsync(broker.Url, centralName, o => o.CentralNodeName = centralName);
        var ghost = Names.Next("ghost");
        var spans = new List<Activity>();
        foreach (var name in new[] { "first request", "second request" })
        {
            using var span = Recorded(name);
            spans.Add(span);
            // The first starts the publisher of ghost's subject inside its span; the second goes through the same publisher.
            await central.Outbox.AcceptAsync(new Message { ToNode = ghost, Method = Methods.CliCommand, MethodArgs = ["true"], AckTimeout = 1, Retries = 0 });
        }

        foreach (var span in spans)
            await Until.TrueAsync($"the failure of the message of the {span.OperationName} is reported in its trace",
                () => _spans.Ended.Count(a => a.DisplayName == "publish REQErrorLog" && a.TraceId == span.TraceId) == 1);
    }

    [Fact]
    public async Task A_relayed_command_stays_in_its_trace_through_the_relay_node_whose_span_the_far_node_accepts()
    {
        var centralName = Names.Next("central");
        await using var central = await TestNode.StartAsync(broker.Url, centralName, o => (o.CentralNodeName, o.Allow) = (centralName, []));
        await using var relay = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => (o.CentralNodeName, o.Allow) = (centralName, []));
        await using var far = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => (o.CentralNodeName, o.Allow) = (centralName, []));
        using var operation = Recorded("an operator's tool");

        var id = (await central.Outbox.AcceptAsync(new Message
        {
            ToNode = far.NodeName, RelayViaNode = relay.NodeName, Method = Methods.CliCommand, MethodArgs = _runs.Command("relayed"),
        }))[0];

        // The relay forwards in a span of its own: the far node still finds the forward as the origin signed it.
        await Wait.ForStateAsync(central, id, "done", TimeSpan.FromSeconds(30));
        var handle = await _spans.EndedAsync(far.NodeName, "handle REQCliCommand");
        var forward = await _spans.EndedAsync(relay.NodeName, "publish REQCliCommand");
        Assert.Equal(operation.TraceId, handle.TraceId);
        Assert.Equal((operation.TraceId, forward.SpanId), (forward.TraceId, handle.ParentSpanId));
        Assert.Equal(["relayed"], _runs.Lines);
    }

    [Theory]
    [InlineData("not a traceparent")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]   // an all-zero trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]   // an all-zero span id
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")]   // upper case
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")]       // no flags
    public async Task A_malformed_traceParent_from_the_wire_is_ignored_the_message_runs_in_a_new_trace(string malformed)
    {
        var centralName = Names.Next("central");
        await using var central = await TestNode.StartAsync(broker.Url, centralName, o => o.CentralNodeName = centralName);
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.CentralNodeName = centralName);
        await using var forger = await Forger.ConnectAsync(broker.Url, central.Context.DataFolder);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var message = new Message
        {
            Id = now, CreatedAt = now, FromNode = central.NodeName, ToNode = ship.NodeName, Method = Methods.CliCommand,
            MethodArgs = _runs.Command("ran"), ReplyMethod = Methods.None, MethodTimeout = 10, TraceParent = malformed,
        };

        var answer = await forger.SendAsync(ship.NodeName, Methods.CliCommand, forger.Sign(message));

        Assert.True(answer.Accepted, answer.Reason);
        var handle = await _spans.EndedAsync(ship.NodeName, "handle REQCliCommand");
        Assert.Equal(default, handle.ParentSpanId);   // a root: a new trace
        Assert.NotEqual(default, handle.TraceId);
        Assert.True(handle.Status == ActivityStatusCode.Unset, handle.StatusDescription + " " + string.Join(",", handle.TagObjects));
        Assert.Equal(["ran"], _runs.Lines);
    }

    [Fact]
    public async Task The_traceParent_is_signed_a_message_whose_trace_was_changed_on_the_way_is_refused()
    {
        var centralName = Names.Next("central");
        await using var central = await TestNode.StartAsync(broker.Url, centralName, o => o.CentralNodeName = centralName);
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.CentralNodeName = centralName);
        await using var forger = await Forger.ConnectAsync(broker.Url, central.Context.DataFolder);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const string Sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        const string Changed = "00-4bf92f3577b34da6a3ce929d0e0e4736-11f067aa0ba902b7-01";
        var message = new Message
        {
            Id = now, CreatedAt = now, FromNode = central.NodeName, ToNode = ship.NodeName, Method = Methods.CliCommand,
            MethodArgs = _runs.Command("changed"), ReplyMethod = Methods.None, MethodTimeout = 10, TraceParent = Sent,
        };

        var answer = await forger.SendAsync(ship.NodeName, Methods.CliCommand,
            forger.Sign(message, signed => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signed).Replace(Sent, Changed, StringComparison.Ordinal))));

        Assert.False(answer.Accepted);
        Assert.StartsWith("bad signature", answer.Reason, StringComparison.Ordinal);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task A_message_sent_again_after_its_sender_restarted_keeps_its_trace()
    {
        var centralName = Names.Next("central");
        var ship = Names.Next("ship");
        var data = Directory.CreateTempSubdirectory("steward-restarted-").FullName;
        void Central(StewardOptions o) => (o.CentralNodeName, o.DataFolder) = (centralName, data);
        using var operatorSpan = Recorded("operator request");
        long id;
        await using (var before = await TestNode.StartAsync(broker.Url, centralName, Central))
        {
            id = (await before.Outbox.AcceptAsync(new Message
            {
                ToNode = ship, Method = Methods.CliCommand, MethodArgs = _runs.Command("after restart"), AckTimeout = 1, Retries = 100, RetryWait = 1,
            }))[0];
            operatorSpan.Stop();
            await Until.TrueAsync("the message is being retried (its ship is not there)", async () =>
                (await before.Store.Queries.FindOutboundAsync(id, CancellationToken.None))?.Attempts >= 2);
        }

        await using var after = await TestNode.StartAsync(broker.Url, centralName, Central);
        await using var receiver = await TestNode.StartAsync(broker.Url, ship, o => o.CentralNodeName = centralName);

        await Wait.ForStateAsync(after, id, MessageStates.Done, TimeSpan.FromSeconds(30));
        var handle = await _spans.EndedAsync(ship, "handle REQCliCommand");
        Assert.Equal(operatorSpan.TraceId, handle.TraceId);
        Assert.Equal(["after restart"], _runs.Lines);
    }
}
