using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Delivery;

[Collection(BrokerCollection.Name)]
public sealed class NodeToNodeTests(NatsServerFixture broker)
{
    [Fact]
    public async Task A_command_runs_on_the_receiver_and_its_output_is_appended_on_the_sender()
    {
        await using var sender = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var receiver = await TestNode.StartAsync(broker.Url, Names.Next("ship"));

        var ids = await sender.Outbox.AcceptAsync(new Message
        {
            ToNode = receiver.NodeName, Method = Methods.CliCommand, MethodArgs = ["bash", "-c", "echo $((6*7))"], Directory = "answers", FileName = "out.txt",
        });

        await Wait.ForStateAsync(sender, ids[0], MessageStates.Done);
        var file = Path.Combine(sender.Context.FilesFolder, "answers", receiver.NodeName, "out.txt");
        Assert.Equal("42\n", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_method_the_receiver_does_not_serve_is_rejected_after_one_attempt_with_the_reason()
    {
        await using var sender = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        await using var receiver = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.Methods = [Methods.ToFileAppend]);

        var ids = await sender.Outbox.AcceptAsync(new Message { ToNode = receiver.NodeName, Method = Methods.CliCommand, MethodArgs = ["true"] });

        var row = await Wait.ForStateAsync(sender, ids[0], MessageStates.Rejected);
        Assert.Equal(1, row.Attempts);
        Assert.Contains($"not served by node {receiver.NodeName}", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_to_a_node_nobody_runs_fails_after_its_retries_with_the_original_error_text()
    {
        await using var sender = await TestNode.StartAsync(broker.Url, Names.Next("central"));
        var nobody = Names.Next("ghost");

        var ids = await sender.Outbox.AcceptAsync(new Message
        {
            ToNode = nobody, Method = Methods.CliCommand, MethodArgs = ["true"], AckTimeout = 1, Retries = 2, RetryWait = 1,
        });

        var row = await Wait.ForStateAsync(sender, ids[0], MessageStates.Failed);
        Assert.Equal(3, row.Attempts);
        Assert.Equal($"toNode: {nobody}, fromNode: {sender.NodeName}, method: REQCliCommand: max retries reached, check if node is up and running and if it got a subscriber for the given REQ type", row.LastError);
    }

    [Fact]
    public async Task Message_ids_keep_counting_after_the_node_restarts()
    {
        var name = Names.Next("central");
        var folder = Directory.CreateTempSubdirectory("steward-restart-").FullName;
        var message = new Message { ToNode = Names.Next("ghost"), Method = Methods.None };
        long first;
        await using (var node = await TestNode.StartAsync(broker.Url, name, o => o.DataFolder = folder))
            first = (await node.Outbox.AcceptAsync(message))[0];

        await using var again = await TestNode.StartAsync(broker.Url, name, o => o.DataFolder = folder);
        var second = (await again.Outbox.AcceptAsync(message))[0];

        Assert.Equal(first + 1, second);
    }

    [Fact]
    public async Task A_node_whose_database_was_lost_does_not_reuse_ids_its_receivers_remember()
    {
        var name = Names.Next("central");
        var message = new Message { ToNode = Names.Next("ghost"), Method = Methods.None };
        long before;
        await using (var node = await TestNode.StartAsync(broker.Url, name))
            before = (await node.Outbox.AcceptAsync(message))[0];

        await using var reimaged = await TestNode.StartAsync(broker.Url, name);   // a new, empty data folder
        var after = (await reimaged.Outbox.AcceptAsync(message))[0];

        Assert.True(after > before, $"id {after} after the reset is not above {before}");
    }

    [Fact]
    public async Task A_publisher_is_started_for_a_subject_on_demand_and_retires_when_idle()
    {
        await using var sender = await TestNode.StartAsync(broker.Url, Names.Next("central"), o => o.PublisherIdleSeconds = 1);
        await using var receiver = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        var subject = Subjects.For(receiver.NodeName, Methods.None);

        var first = await sender.Outbox.AcceptAsync(new Message { ToNode = receiver.NodeName, Method = Methods.None });
        Assert.Contains(subject, sender.PublisherSubjects);
        await Wait.ForStateAsync(sender, first[0], MessageStates.Done);
        await Until.TrueAsync("the idle publisher retired", () => !sender.PublisherSubjects.Contains(subject));

        var second = await sender.Outbox.AcceptAsync(new Message { ToNode = receiver.NodeName, Method = Methods.None });
        await Wait.ForStateAsync(sender, second[0], MessageStates.Done);
    }
}
