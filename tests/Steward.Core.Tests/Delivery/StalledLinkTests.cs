using System.Text;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Delivery;

/// <summary>
/// A sender whose link to the broker stops moving while it has more to send than the sockets hold: its publishes then
/// wait for room, and give up after the NATS client's command timeout (5 s), as they do on an overloaded connection
/// (the fleet simulator met it at 5,000 nodes). Its own nats-server, behind a fault-injecting link.
/// </summary>
public sealed class StalledLinkTests : IAsyncLifetime
{
    private readonly NatsServerFixture _broker = new();
    private FaultyLink? _link;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        _link = new FaultyLink(_broker.Port);
    }

    public async Task DisposeAsync()
    {
        await _link!.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task A_message_whose_publish_timed_out_is_sent_again_and_delivered_once_the_link_moves()
    {
        await using var sender = await TestNode.StartAsync(_link!.Url, Names.Next("central"));
        await using var receiver = await TestNode.StartAsync(_broker.Url, Names.Next("ship"));
        IReadOnlyList<long> ids;
        _link.Stall();
        try
        {
            // 32 MiB: more than the sender's socket and the link's take in, so later publishes wait. The ACK timeout is far
            // beyond the stall, so an attempt that ends before the link moves again is one whose publish gave up.
            ids = await sender.Outbox.AcceptAsync(Enumerable.Range(0, 64).Select(_ => new Message
            {
                ToNode = receiver.NodeName, Method = Methods.None, Data = new byte[512 * 1024], AckTimeout = 120, Retries = 20, RetryWait = 1,
            }));
            await Until.TrueAsync("a publish gave up while the link stood still", async () =>
                await sender.Store.Queries.CountInStateAsync(MessageStates.Retrying, CancellationToken.None)
                + await sender.Store.Queries.CountInStateAsync(MessageStates.Failed, CancellationToken.None) > 0, TimeSpan.FromSeconds(60));

            _link.Resume();

            await Until.TrueAsync("every message is final", async () =>
                (await Task.WhenAll(ids.Select(id => sender.Queries.FindOutboundAsync(id, CancellationToken.None)))).All(m => MessageStates.IsFinal(m!.State)),
                TimeSpan.FromSeconds(120));
        }
        finally
        {
            _link.Resume();   // also when the wait fails: the nodes stop on a link that moves
        }
        foreach (var id in ids) Assert.Equal(MessageStates.Done, (await sender.Queries.FindOutboundAsync(id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_message_stored_while_its_ACK_cannot_go_out_still_runs()
    {
        await using var sender = await TestNode.StartAsync(_broker.Url, Names.Next("central"));
        await using var receiver = await TestNode.StartAsync(_link!.Url, Names.Next("ship"));
        await using var other = await TestNode.StartAsync(_broker.Url, Names.Next("ship"));
        var file = Path.Combine(receiver.Context.FilesFolder, "stalled", sender.NodeName, "ran.txt");
        IReadOnlyList<long> sent;
        _link.StallUpstream();
        try
        {
            // The receiver's own messages fill its way out: what it says next waits, and its ACK gives up after 5 s.
            sent = await receiver.Outbox.AcceptAsync(Enumerable.Range(0, 64).Select(_ => new Message
            {
                ToNode = other.NodeName, Method = Methods.None, Data = new byte[512 * 1024], AckTimeout = 120, Retries = 20, RetryWait = 1,
            }));

            await sender.Outbox.AcceptAsync(new Message
            {
                ToNode = receiver.NodeName, Method = Methods.ToFileAppend, ReplyMethod = Methods.None, Directory = "stalled", FileName = "ran.txt",
                Data = Encoding.UTF8.GetBytes("ran\n"), AckTimeout = 2, Retries = 100, RetryWait = 1,
            });

            await Until.TrueAsync("the message ran on its receiver, whose ACK could not go out", () => File.Exists(file), TimeSpan.FromSeconds(60));
        }
        finally
        {
            _link.Resume();
        }
        Assert.Equal("ran\n", await File.ReadAllTextAsync(file));
        foreach (var id in sent) await Wait.ForStateAsync(receiver, id, MessageStates.Done, TimeSpan.FromSeconds(120));   // and its own go out
    }
}
