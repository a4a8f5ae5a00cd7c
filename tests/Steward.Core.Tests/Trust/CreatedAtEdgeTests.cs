using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.Core.Trust;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

[Collection(BrokerCollection.Name)]
public sealed class CreatedAtEdgeTests(NatsServerFixture broker) : AttackedFleet(broker)
{
    private Message Ping(long createdAt) => new()
    {
        Id = Now, CreatedAt = createdAt, FromNode = Central.NodeName, ToNode = Ship1.NodeName, Method = Methods.Ping, ReplyMethod = Methods.None,
    };

    [Fact]
    public async Task A_createdAt_beyond_year_9999_is_answered_with_a_refusal_not_a_crash()
    {
        await using var central = await Forger.ConnectAsync(Broker.Url, Central.Context.DataFolder);
        // fails: FromUnixTimeMilliseconds throws in ArrivalCheck; the receive task crashes, nobody answers (NatsNoReplyException)
        var answer = await central.SendAsync(Ship1.NodeName, Methods.Ping, central.Sign(Ping(long.MaxValue)));
        Assert.False(answer.Accepted);
    }

    [Fact]
    public async Task A_createdAt_years_in_the_future_is_refused_so_it_can_not_be_replayed_forever()
    {
        await using var central = await Forger.ConnectAsync(Broker.Url, Central.Context.DataFolder);
        var answer = await central.SendAsync(Ship1.NodeName, Methods.Ping, central.Sign(Ping(DateTimeOffset.UtcNow.AddYears(50).ToUnixTimeMilliseconds())));
        Assert.False(answer.Accepted);   // fails: accepted; never stale, so replayable once the duplicate memory forgets it
    }
}
