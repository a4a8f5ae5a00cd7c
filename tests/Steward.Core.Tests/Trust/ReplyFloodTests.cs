using System.Text;
using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>
/// Finding (review 2): while central's message waits for its reply, a stolen ship key can send any number of replies
/// (replyLast false, the same replySeq again, new ids): each is accepted and runs central's reply method again, with
/// the attacker's data. replySeq is never checked (unique, in order, or 0 only for a method that does not stream).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ReplyFloodTests(NatsServerFixture broker) : AttackedFleet(broker)
{
    [Fact]
    public async Task A_stolen_ship_key_cannot_run_centrals_reply_command_many_times_while_the_message_waits()
    {
        var replyCommand = Runs.Command("reply");
        var id = (await Central.Outbox.AcceptAsync(new Message
        {
            ToNode = Ship1.NodeName, Method = Methods.CliCommand, MethodArgs = ["bash", "-c", "sleep 8"], MethodTimeout = 30,
            ReplyMethod = Methods.CliCommand, ReplyMethodArgs = replyCommand, ReplyMethodTimeout = 10,
        }))[0];
        _ = await Wait.ForStateAsync(Central, id, "acked");

        await using var attacker = await StolenShip1Async();
        var accepted = 0;
        for (var i = 0; i < 3; i++)
        {
            var reply = new Message
            {
                Id = Now + i, CreatedAt = Now, FromNode = Ship1.NodeName, ToNode = Central.NodeName, Method = Methods.CliCommand,
                MethodArgs = replyCommand, IsReply = true, ReplySeq = 0, ReplyLast = false, MethodTimeout = 10,
                Data = Encoding.UTF8.GetBytes("attacker data"),
                PreviousMessage = new Message { Id = id, FromNode = Central.NodeName, ToNode = Ship1.NodeName, Method = Methods.CliCommand },
            };
            if ((await attacker.SendAsync(Central.NodeName, Methods.CliCommand, attacker.Sign(reply))).Accepted) accepted++;
        }
        // Refused before they are stored, so none can run later: a command that does not stream takes one reply, once.
        Assert.Equal(0, accepted);
        Assert.Empty(Runs.Lines);
    }
}
