using System.Runtime.InteropServices;
using System.Text.Json;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

[Collection(BrokerCollection.Name)]
public sealed class NodeOperationsTests(NatsServerFixture broker)
{
    [Fact]
    public async Task Nodes_say_hello_and_central_keeps_when_it_first_and_last_saw_them()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url, receiver: o => o.HelloIntervalSeconds = 1);

        var first = await Until.ValueAsync("central heard the node's hello", async () =>
            (await nodes.Sender.Store.Queries.NodesAsync(CancellationToken.None)).FirstOrDefault(n => n.Name == nodes.Receiver.NodeName));
        var later = await Until.ValueAsync("central heard another hello", async () =>
            (await nodes.Sender.Store.Queries.NodesAsync(CancellationToken.None)).FirstOrDefault(n => n.Name == nodes.Receiver.NodeName && n.LastSeen > first.LastSeen));

        Assert.Equal(first.FirstSeen, later.FirstSeen);
        Assert.Equal(RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), later.Arch);
        Assert.Equal(RuntimeInformation.OSDescription, later.Os);
        Assert.False(string.IsNullOrEmpty(later.Version));
    }

    [Fact]
    public async Task The_process_list_shows_publishers_the_subscriber_and_a_running_message()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);
        await nodes.SendAsync(new Message { Method = Methods.CliCommand, MethodArgs = ["true"] });   // its reply starts a publisher
        var marker = $"steward-ps-{Guid.NewGuid():N}";
        var running = (await nodes.Sender.Outbox.AcceptAsync(new Message
        {
            ToNode = nodes.Receiver.NodeName, Method = Methods.CliCommand, MethodArgs = ["bash", "-c", $"exec -a {marker} sleep 60"], MethodTimeout = -1,
        }))[0];
        await Until.TrueAsync("the command runs", () => Processes.WithCommandLine(marker).Any());

        var id = await nodes.SendAsync(new Message { Method = Methods.OpProcessList });

        var list = JsonSerializer.Deserialize(Assert.Single(await nodes.RepliesAsync(id)).Output!, StewardJson.Default.ProcessList)!;
        Assert.Equal(nodes.Receiver.NodeName, list.Node);
        Assert.Contains(Methods.CliCommand, list.Subscriber.Serving);
        Assert.Contains(list.InFlight, m => m is { Kind: "running", Method: Methods.CliCommand } && m.MessageId == running && m.FromNode == nodes.Sender.NodeName);
        Assert.Contains(list.Publishers, p => p.Subject == Subjects.For(nodes.Sender.NodeName, Methods.ToFileAppend));
    }

    [Fact]
    public async Task A_stopped_method_is_rejected_with_that_reason_until_it_is_started_again()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);
        var command = new Message { Method = Methods.CliCommand, MethodArgs = ["true"] };

        await nodes.SendAsync(new Message { Method = Methods.OpProcessStop, MethodArgs = [Methods.CliCommand] });
        var refused = await nodes.SendAsync(command, MessageStates.Rejected);
        await nodes.SendAsync(new Message { Method = Methods.OpProcessStart, MethodArgs = [Methods.CliCommand] });
        await nodes.SendAsync(command);

        var row = await nodes.Sender.Store.Queries.FindOutboundAsync(refused, CancellationToken.None);
        Assert.Equal($"method REQCliCommand is stopped on node {nodes.Receiver.NodeName}", row!.LastError);
        var lockout = await nodes.SendAsync(new Message { Method = Methods.OpProcessStop, MethodArgs = [Methods.OpProcessStart] }, MessageStates.Rejected);
        Assert.Contains("cannot be stopped", (await nodes.Sender.Store.Queries.FindOutboundAsync(lockout, CancellationToken.None))!.LastError, StringComparison.Ordinal);
    }
}
