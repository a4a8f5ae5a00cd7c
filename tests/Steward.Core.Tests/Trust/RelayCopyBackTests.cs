using System.Text;
using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>
/// Finding (review 2): the reply a relay node copies back to the origin is signed only by the relay node. Central
/// accepts from the relay (the node its REQRelay went to) any reply to the relayed command, with any output and exit
/// code, before the far node ran anything: the far node's answer is not carried end to end as the request is.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class RelayCopyBackTests(NatsServerFixture broker) : AttackedFleet(broker)
{
    [Fact]
    public async Task A_relay_node_cannot_invent_the_far_nodes_reply_to_a_relayed_command()
    {
        var id = (await Central.Outbox.AcceptAsync(new Message
        {
            ToNode = Ship2.NodeName, RelayViaNode = Ship1.NodeName, Method = Methods.CliCommand, MethodTimeout = 30,
            MethodArgs = ["bash", "-c", "sleep 5; echo real-output"],
        }))[0];
        await Wait.ForStateAsync(Central, id, "acked");   // ship1 took the relay; ship2 is still running the command

        await using var relay = await StolenShip1Async();
        var forged = new Message
        {
            Id = Now, CreatedAt = Now, FromNode = Ship1.NodeName, ToNode = Central.NodeName, Method = Methods.DefaultReply,
            FileName = $"{Methods.CliCommand}.log", IsReply = true, ReplyLast = true, MethodTimeout = 10, ExitCode = 0,
            Data = Encoding.UTF8.GetBytes("forged-output\n"),
            PreviousMessage = new Message { Id = id, FromNode = Central.NodeName, ToNode = Ship1.NodeName, Method = Methods.Relay },
        };
        var answer = await relay.SendAsync(Central.NodeName, Methods.DefaultReply, relay.Sign(forged));

        Assert.False(answer.Accepted, "central accepted a reply to a relayed command that the far node never signed");
        Assert.Equal($"the answer to a relayed message must carry the reply as {Ship2.NodeName} signed it", answer.Reason);
        await Wait.ForStateAsync(Central, id, "done", TimeSpan.FromSeconds(30));   // the real answer, signed by ship2, still counts
        var outputs = (await Central.Store.Queries.EventsAsync(id, 0, CancellationToken.None)).Select(e => e.Output).OfType<string>();
        Assert.Equal(["real-output\n"], outputs);
    }
}
