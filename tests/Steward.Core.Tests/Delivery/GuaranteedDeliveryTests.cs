using Microsoft.Data.Sqlite;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Delivery;

[Collection(BrokerCollection.Name)]
public sealed class GuaranteedDeliveryTests(NatsServerFixture broker)
{
    private readonly RunCounter _runs = new();

    [Fact]
    public async Task A_node_that_starts_while_the_message_is_being_retried_runs_it_exactly_once()
    {
        await using var sender = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        var ship = Names.Next("ship");
        var ids = await sender.Outbox.AcceptAsync(new Message
        {
            ToNode = ship, Method = Methods.CliCommand, MethodArgs = _runs.Command("late"), AckTimeout = 1, Retries = 20, RetryWait = 1,
        });
        await Until.TrueAsync("the message is being retried", async () =>
            (await sender.Store.Queries.FindOutboundAsync(ids[0], CancellationToken.None))?.Attempts >= 2);

        await using var receiver = await TestNode.StartAsync(broker.Url, ship);

        await Wait.ForStateAsync(sender, ids[0], MessageStates.Done, TimeSpan.FromSeconds(30));
        Assert.Equal(["late"], _runs.Lines);
        var events = await sender.Store.Queries.EventsAsync(ids[0], 0, CancellationToken.None);
        Assert.Equal("late\n", Assert.Single(events, e => e.Kind == EventKinds.Reply).Output);
    }

    [Fact]
    public async Task An_ACK_that_comes_too_late_makes_the_sender_resend_but_the_command_runs_once()
    {
        await using var sender = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var receiver = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        await using var slowDisk = new SqliteConnection($"Data Source={Path.Combine(receiver.Context.DataFolder, "steward.db")}");
        await slowDisk.OpenAsync();
        await using (var hold = slowDisk.CreateCommand())
        {
            hold.CommandText = "BEGIN EXCLUSIVE;";   // the receiver cannot store, so it cannot ACK in time
            await hold.ExecuteNonQueryAsync();
        }

        var ids = await sender.Outbox.AcceptAsync(new Message
        {
            ToNode = receiver.NodeName, Method = Methods.CliCommand, MethodArgs = _runs.Command("once"), AckTimeout = 1, Retries = 10, RetryWait = 1,
        });
        await Until.TrueAsync("the sender resent after the ACK timeout", async () =>
            (await sender.Store.Queries.FindOutboundAsync(ids[0], CancellationToken.None))?.Attempts >= 2);
        await using (var release = slowDisk.CreateCommand())
        {
            release.CommandText = "ROLLBACK;";
            await release.ExecuteNonQueryAsync();
        }

        await Wait.ForStateAsync(sender, ids[0], MessageStates.Done, TimeSpan.FromSeconds(30));
        Assert.Equal(["once"], _runs.Lines);
    }

    [Fact]
    public async Task Replies_from_a_live_node_arrive_while_messages_to_a_dead_node_are_still_retried()
    {
        await using var sender = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var live = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        var dead = Names.Next("ghost");
        var messages = Enumerable.Range(0, 20).SelectMany(i => new[]
        {
            new Message { ToNode = dead, Method = Methods.CliCommand, MethodArgs = ["true"], AckTimeout = 1, Retries = 30, RetryWait = 1 },
            new Message { ToNode = live.NodeName, Method = Methods.CliCommand, MethodArgs = ["echo", $"live {i}"] },
        });

        var ids = await sender.Outbox.AcceptAsync(messages);

        var liveIds = ids.Where((_, i) => i % 2 == 1).ToList();
        foreach (var id in liveIds) await Wait.ForStateAsync(sender, id, MessageStates.Done);
        foreach (var id in ids.Where((_, i) => i % 2 == 0))
        {
            var row = await sender.Store.Queries.FindOutboundAsync(id, CancellationToken.None);
            Assert.Contains(row!.State, new[] { MessageStates.Sent, MessageStates.Retrying });
        }
    }

    [Fact]
    public async Task The_sender_keeps_what_went_out_and_the_receiver_what_came_in_in_their_audit_logs()
    {
        await using var sender = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var receiver = await TestNode.StartAsync(broker.Url, Names.Next("ship"));

        var ids = await sender.Outbox.AcceptAsync(new Message { ToNode = receiver.NodeName, Method = Methods.CliCommand, MethodArgs = ["echo", "audited"] });

        await Wait.ForStateAsync(sender, ids[0], MessageStates.Done);
        Assert.Contains(await File.ReadAllLinesAsync(Path.Combine(sender.Context.DataFolder, "audit.log")),
            l => l.Contains("\"direction\":\"out\"", StringComparison.Ordinal) && l.Contains("\"methodArgs\":[\"echo\",\"audited\"]", StringComparison.Ordinal));
        await Until.TrueAsync("the receiver's audit log has the message", async () =>
            (await File.ReadAllTextAsync(Path.Combine(receiver.Context.DataFolder, "audit.log"))).Contains($"\"direction\":\"in\",\"message\":{{\"id\":{ids[0]},", StringComparison.Ordinal));
    }
}
