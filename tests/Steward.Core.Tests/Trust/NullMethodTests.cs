using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>
/// Finding (review 2): the rules are checked before the message is validated. A signed message from an enrolled ship
/// without a method, when that ship has a prefix rule (e.g. REQOp*), throws NullReferenceException in
/// MethodRules.Matches: the receive task crashes, no answer is sent (the sender retries), and each one is reported as
/// a crash.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class NullMethodTests(NatsServerFixture broker)
{
    [Fact]
    public async Task A_signed_message_without_a_method_is_answered_with_a_rejection()
    {
        var centralName = Names.Next("central");
        var shipName = Names.Next("ship");
        await using var central = await TestNode.StartAsync(broker.Url, centralName, o => { o.CentralNodeName = centralName; o.Allow = new() { [shipName] = ["REQOp*"] }; });
        await using var ship = await TestNode.StartAsync(broker.Url, shipName, o => { o.CentralNodeName = centralName; o.Allow = []; });
        await using var attacker = await Forger.ConnectAsync(broker.Url, ship.Context.DataFolder);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var payload = attacker.Sign(new Message { Id = now, CreatedAt = now, FromNode = shipName, ToNode = centralName, Method = null });

        // fails: NullReferenceException in the receive path, no answer (request times out)
        var answer = await Record.ExceptionAsync(() => attacker.SendAsync(centralName, Methods.Ping, payload));
        Assert.Null(answer);
    }
}
