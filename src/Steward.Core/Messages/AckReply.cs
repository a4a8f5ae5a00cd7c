namespace Steward.Core.Messages;

/// <summary>
/// What a receiver answers on the NATS reply inbox: ACK, or a rejection naming why it will never run. It names the node
/// that answers and the message it answers (its sender and id), and is signed by that node, so an answer cannot be
/// forged or moved to another message.
/// </summary>
public sealed record AckReply(bool Accepted, string? Reason = null, string? Node = null, long Id = 0, string? FromNode = null)
{
    public static AckReply Ack(string node, Message answered) => new(true, Node: node, Id: answered.Id, FromNode: answered.FromNode);

    public static AckReply Reject(string node, Message? answered, string reason) => new(false, reason, node, answered?.Id ?? 0, answered?.FromNode);

    /// <summary>Whether this answers <paramref name="message"/>, and comes from the node it went to.</summary>
    public bool Answers(Message message) => Node == message.ToNode && Id == message.Id && FromNode == message.FromNode;

    /// <summary>The answering node's signature; last, as on messages.</summary>
    public byte[]? Signature { get; init; }
}
