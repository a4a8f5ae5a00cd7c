using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.Core.Trust;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

[Collection(BrokerCollection.Name)]
public sealed class PendingKeyHijackTests(NatsServerFixture broker) : AttackedFleet(broker)
{
    private static Message Hello(string node, NodeKey key, string central) => new()
    {
        Id = Now, CreatedAt = Now, FromNode = node, ToNode = central, Method = Methods.Hello,
        Data = JsonSerializer.SerializeToUtf8Bytes(new HelloInfo("1", "linux", "x64", DateTimeOffset.UtcNow, key.PublicKey), StewardJson.Default.HelloInfo),
    };

    [Fact]
    public async Task Another_key_presented_later_does_not_replace_the_pending_key_an_operator_approves()
    {
        var node = Names.Next("ship");
        await using var real = await Forger.ConnectAsync(Broker.Url, StrangerFolder());
        await using var attacker = await Forger.ConnectAsync(Broker.Url, StrangerFolder());
        await real.SendAsync(Central.NodeName, Methods.Hello, real.Sign(Hello(node, real.Key, Central.NodeName)));
        Assert.Equal(real.Key.PublicKey, Central.Keys.Pending[node]);   // what the operator sees in GET /nodes

        await attacker.SendAsync(Central.NodeName, Methods.Hello, attacker.Sign(Hello(node, attacker.Key, Central.NodeName)));
        var (_, enrolled) = await Central.Enrolment.ApproveAsync(node, null);   // POST /nodes/{node}/approve without a body

        Assert.Equal(real.Key.PublicKey, enrolled);   // fails: the attacker's key is enrolled under the real node's name
    }
}
