using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.Core.Trust;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

[Collection(BrokerCollection.Name)]
public sealed class JunkAnswerTests(NatsServerFixture broker) : AttackedFleet(broker)
{
    private async Task<long> SendWithJunkAnswersAsync(byte[] junk)
    {
        var absent = Names.Next("ship");
        using (var realKey = NodeKey.LoadOrCreate(StrangerFolder())) Central.Keys.Enroll(absent, realKey.PublicKey);
        var forger = await Forger.ConnectAsync(Broker.Url, StrangerFolder());
        var subscription = await forger.Connection.SubscribeCoreAsync<byte[]>($"{absent}.>");
        await forger.Connection.PingAsync();
        _ = Task.Run(async () =>
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync()) await msg.ReplyAsync(junk);
        });
        return (await Central.Outbox.AcceptAsync(new Message { ToNode = absent, Method = Methods.Ping, AckTimeout = 1, Retries = 2, RetryWait = 1 }))[0];
    }

    [Fact]
    public async Task An_unsigned_non_ACK_answer_is_ignored_and_retried_like_a_forged_ACK()
    {
        var id = await SendWithJunkAnswersAsync("{\"id\":\"x\"}"u8.ToArray());
        var row = await Wait.ForStateAsync(Central, id, "failed");
        // fails: one junk answer ends the delivery at once (JsonException path, never retried)
        Assert.Contains("not signed", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_answer_does_not_leave_the_delivery_stuck()
    {
        var id = await SendWithJunkAnswersAsync("null"u8.ToArray());
        // fails: NullReferenceException in Deliverer.TrustedAnswer crashes the delivery; the row stays "sent" for good
        _ = await Wait.ForStateAsync(Central, id, "failed", TimeSpan.FromSeconds(15));
    }
}
