using System.Text;
using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>
/// Finding: a reply is accepted whenever it names any message central once sent to its sender, with the asked method and
/// methodArgs; nothing bounds how many replies, when, or what else they carry (data, directory, fileName).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ForgedRepliesTests(NatsServerFixture broker) : AttackedFleet(broker)
{
    private Message ForgedReply(long answers, string method, string[]? args, string? directory = null, string? fileName = null) => new()
    {
        Id = Now, CreatedAt = Now, FromNode = Ship1.NodeName, ToNode = Central.NodeName, Method = method, MethodArgs = args,
        IsReply = true, ReplyLast = true, MethodTimeout = 10, Directory = directory, FileName = fileName,
        Data = Encoding.UTF8.GetBytes("attacker data"),
        PreviousMessage = new Message { Id = answers, FromNode = Central.NodeName, ToNode = Ship1.NodeName, Method = Methods.CliCommand },
    };

    [Fact]
    public async Task A_stolen_ship_key_cannot_rerun_central_s_reply_command_by_replaying_replies()
    {
        var replyCommand = Runs.Command("reply");
        var id = (await Central.Outbox.AcceptAsync(new Message
        {
            ToNode = Ship1.NodeName, Method = Methods.CliCommand, MethodArgs = ["true"], MethodTimeout = 10,
            ReplyMethod = Methods.CliCommand, ReplyMethodArgs = replyCommand, ReplyMethodTimeout = 10,
        }))[0];
        await Until.TrueAsync("the real reply ran its command once on central", () => Runs.Lines.Count == 1);
        _ = await Wait.ForStateAsync(Central, id, "done");

        await using var attacker = await StolenShip1Async();
        var answers = new List<AckReply>();
        for (var i = 0; i < 3; i++)
            answers.Add(await attacker.SendAsync(Central.NodeName, Methods.CliCommand, attacker.Sign(ForgedReply(id, Methods.CliCommand, replyCommand))));

        // Refused before they are stored, so none of them can run later.
        Assert.All(answers, a => Assert.Contains($"message {id} is done: it takes no more replies", a.Reason, StringComparison.Ordinal));
        Assert.Single(Runs.Lines);
    }

    [Fact]
    public async Task A_reply_cannot_choose_another_directory_and_file_name_than_the_message_asked_for()
    {
        var id = (await Central.Outbox.AcceptAsync(new Message
        {
            ToNode = Ship1.NodeName, Method = Methods.CliCommand, MethodArgs = ["true"], MethodTimeout = 10,
            ReplyMethod = Methods.ToFile, Directory = "results", FileName = "out.txt",
        }))[0];
        _ = await Wait.ForStateAsync(Central, id, "done");

        await using var attacker = await StolenShip1Async();
        var answer = await attacker.SendAsync(Central.NodeName, Methods.ToFile, attacker.Sign(ForgedReply(id, Methods.ToFile, null, "elsewhere", "planted.txt")));

        Assert.False(answer.Accepted, "central accepted a reply that writes where its message did not ask");
        Assert.False(File.Exists(Path.Combine(Central.Context.FilesFolder, "elsewhere", Ship1.NodeName, "planted.txt")));
    }
}
