using System.Collections.Concurrent;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// (b) Steward's ACKed delivery between two nodes in this process: stored on the sender, sent, stored and deduplicated on
/// the receiver, ACKed, and the sender's row moved to done. Timed from accept to done.
/// </summary>
internal sealed class NodeToNode(string url, string durability) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _finished = new();
    private NodeRuntime? _sender;
    private NodeRuntime? _receiver;

    public async Task StartAsync()
    {
        _sender = await TestNode.StartAsync(url, Names.Next("benchsender"), o => o.Durability = durability);
        _receiver = await TestNode.StartAsync(url, Names.Next("benchreceiver"), o => o.Durability = durability);
        _sender.Store.StateChanged += (id, state) =>
        {
            if (MessageStates.IsFinal(state)) Finished(id).TrySetResult();
        };
    }

    public async Task DeliverAsync(byte[] payload)
    {
        var ids = await _sender!.Outbox.AcceptAsync(new Message
        {
            ToNode = _receiver!.NodeName, Method = Methods.None, ReplyMethod = Methods.None, Data = payload,
        });
        await Finished(ids[0]).Task;
        _finished.TryRemove(ids[0], out _);
    }

    // Both sides ask for the same completion, so a state change that comes before the caller looks is not lost.
    private TaskCompletionSource Finished(long id) => _finished.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        if (_sender is not null) await _sender.DisposeAsync();
        if (_receiver is not null) await _receiver.DisposeAsync();
    }
}
