using System.Text.Json;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>
/// A hello from an enrolled node (here with ship1's stolen key) says what it likes about itself: central keeps of its
/// metrics summary only counts that can be (GET /nodes shows them; a fleet dashboard adds them up).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class HostileHelloTests(NatsServerFixture broker) : AttackedFleet(broker)
{
    [Fact]
    public async Task Negative_counters_in_a_hello_are_not_kept()
    {
        await using var attacker = await StolenShip1Async();
        var hostile = new HelloInfo("hostile-1", "linux", "x64", DateTimeOffset.UtcNow, Metrics: new HelloMetrics(5, -1_000_000, 0, 0));
        var hello = new Message
        {
            Id = Now, CreatedAt = Now, FromNode = Ship1.NodeName, ToNode = Central.NodeName, Method = Methods.Hello,
            Data = JsonSerializer.SerializeToUtf8Bytes(hostile, StewardJson.Default.HelloInfo),
        };

        // A hello is published, not ACKed (as HelloSender sends it).
        await attacker.Connection.PublishAsync(Subjects.For(Central.NodeName, Methods.Hello), attacker.Sign(hello));
        await Until.TrueAsync("central recorded the hostile hello", async () => (await Ship1EntryAsync())?.Version == "hostile-1");

        // Its failures would cancel out a million of the others' in a sum over the fleet.
        Assert.Null((await Ship1EntryAsync())!.Metrics);
    }

    private async Task<Steward.Core.State.NodeEntry?> Ship1EntryAsync() =>
        (await Central.Queries.NodesAsync(CancellationToken.None)).FirstOrDefault(n => n.Name == Ship1.NodeName);
}
