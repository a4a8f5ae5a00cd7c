using Steward.Core.Delivery;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Node;

/// <summary>
/// Where a validated message enters a node: one message per destination, each given an id and stored as queued
/// before the caller is told "accepted", then written to the audit log and handed to its publisher.
/// </summary>
public sealed class MessageIntake
{
    private readonly StewardOptions _options;
    private readonly NodeStore _store;
    private readonly AuditLog _audit;
    private readonly Action<Outgoing> _dispatch;
    private readonly TimeProvider _time;

    internal MessageIntake(StewardOptions options, NodeStore store, AuditLog audit, Action<Outgoing> dispatch, TimeProvider time)
    {
        _time = time;
        _options = options;
        _store = store;
        _audit = audit;
        _dispatch = dispatch;
    }

    public Task<IReadOnlyList<long>> AcceptAsync(Message message) => AcceptAsync([message]);

    /// <summary>
    /// Stores and sends <paramref name="messages"/>; <paramref name="finishing"/> is a received message they complete, and
    /// <paramref name="asBatch"/> makes them one fan-out whose id is the first message's; <paramref name="operatorName"/>,
    /// the operator who posted them, goes into their audit log lines.
    /// </summary>
    public async Task<IReadOnlyList<Message>> AcceptMessagesAsync(
        IEnumerable<Message> messages, Message? finishing = null, bool asBatch = false, LocalInput? input = null, string? operatorName = null)
    {
        // "local" and this node's own name are one destination. The creation time is signed with the message.
        var createdAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var perNode = messages.SelectMany(m => m.Destinations().Select(node => node == NodeName.Local ? _options.NodeName : node).Distinct()
                .Select(node => MessageLimits.WithDefaults(m with
                {
                    Id = 0, ToNode = node, ToNodes = null, ToHosts = null, FromNode = _options.NodeName, CreatedAt = createdAt, Signature = null,
                }, _options)))
            .Select(m => m.RelayViaNode is { } via && via != _options.NodeName ? Handlers.RelayHandler.Wrap(m) : m)
            .ToList();
        var stored = await _store.AddOutboundAsync(perNode, finishing, asBatch, input).ConfigureAwait(false);
        foreach (var message in stored)
        {
            await _audit.AppendAsync(AuditEntry.Out, message, operatorName).ConfigureAwait(false);
            _dispatch(new Outgoing(message));
        }
        return stored;
    }

    /// <summary>
    /// Stores and sends the messages of a local input once: none when the same input was taken before (see
    /// <see cref="NodeStore.AddOutboundAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<long>> AcceptInputAsync(IEnumerable<Message> messages, LocalInput input) =>
        (await AcceptMessagesAsync(messages, input: input).ConfigureAwait(false)).Select(m => m.Id).ToList();

    /// <summary>Stores and sends <paramref name="messages"/>, and gives their ids.</summary>
    public async Task<IReadOnlyList<long>> AcceptAsync(IEnumerable<Message> messages, Message? finishing = null) =>
        (await AcceptMessagesAsync(messages, finishing).ConfigureAwait(false)).Select(m => m.Id).ToList();
}
