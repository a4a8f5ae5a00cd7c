using Steward.Core.Delivery;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Node;

/// <summary>
/// Where a validated message enters a node: one message per destination, each given an id and stored as queued
/// before the caller is told "accepted", then handed to delivery.
/// </summary>
public sealed class MessageIntake
{
    private readonly StewardOptions _options;
    private readonly NodeStore _store;
    private readonly Action<Message> _dispatch;

    internal MessageIntake(StewardOptions options, NodeStore store, Action<Message> dispatch)
    {
        _options = options;
        _store = store;
        _dispatch = dispatch;
    }

    public async Task<IReadOnlyList<long>> AcceptAsync(IEnumerable<Message> messages)
    {
        var perNode = messages.SelectMany(m => m.Destinations().Select(node => MessageLimits.WithDefaults(m with
        {
            Id = 0,
            ToNode = node == NodeName.Local ? _options.NodeName : node,
            ToNodes = null,
            ToHosts = null,
            FromNode = _options.NodeName,
        }, _options))).ToList();
        var stored = await _store.AddOutboundAsync(perNode).ConfigureAwait(false);
        foreach (var message in stored) _dispatch(message);
        return stored.Select(m => m.Id).ToList();
    }

    public Task<IReadOnlyList<long>> AcceptAsync(Message message) => AcceptAsync([message]);
}
