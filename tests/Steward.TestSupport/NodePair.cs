using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.TestSupport;

/// <summary>Two in-process nodes on the test's broker: a sender that is also its own central, and a receiver.</summary>
public sealed class NodePair : IAsyncDisposable
{
    private NodePair(NodeRuntime sender, NodeRuntime receiver) => (Sender, Receiver) = (sender, receiver);

    public NodeRuntime Sender { get; }
    public NodeRuntime Receiver { get; }

    /// <param name="both">Options for both nodes, e.g. the broker's CA; <paramref name="receiver"/> adds the receiver's own.</param>
    public static async Task<NodePair> StartAsync(
        string brokerUrl, IEnumerable<IMethodHandler>? receiverHandlers = null, Action<StewardOptions>? receiver = null, Action<StewardOptions>? both = null)
    {
        var central = Names.Next("central");
        var sender = await TestNode.StartAsync(brokerUrl, central, o =>
        {
            o.CentralNodeName = central;
            both?.Invoke(o);
        });
        var other = await TestNode.StartAsync(brokerUrl, Names.Next("ship"), o =>
        {
            o.CentralNodeName = central;
            both?.Invoke(o);
            receiver?.Invoke(o);
        }, receiverHandlers);
        return new NodePair(sender, other);
    }

    /// <summary>Sends <paramref name="message"/> to the receiver and waits until it is in <paramref name="state"/>.</summary>
    public async Task<long> SendAsync(Message message, string state = MessageStates.Done, TimeSpan? timeout = null)
    {
        var id = (await Sender.Outbox.AcceptAsync(message with { ToNode = Receiver.NodeName }))[0];
        await Wait.ForStateAsync(Sender, id, state, timeout);
        return id;
    }

    public async Task<IReadOnlyList<MessageEvent>> RepliesAsync(long id) =>
        (await Sender.Store.Queries.EventsAsync(id, 0, CancellationToken.None)).Where(e => e.Kind == EventKinds.Reply).ToList();

    /// <summary>Waits until central's error log has a line containing <paramref name="text"/> about message <paramref name="id"/>.</summary>
    public Task<ErrorEntry> ErrorAboutAsync(long id, string text) => Until.ValueAsync($"an error about message {id} saying '{text}'", async () =>
        (await Sender.Store.Queries.ErrorsAsync(0, CancellationToken.None)).FirstOrDefault(e => e.MessageId == id && e.Line.Contains(text, StringComparison.Ordinal)));

    /// <summary>The receiver's files folder, where file methods write what the sender sent.</summary>
    public string ReceiverFile(string? directory, string fileName) =>
        Path.Combine(Receiver.Context.FilesFolder, directory ?? "", Sender.NodeName, fileName);

    public async ValueTask DisposeAsync()
    {
        await Sender.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
