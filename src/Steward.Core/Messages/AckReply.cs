namespace Steward.Core.Messages;

/// <summary>
/// What a receiver answers on the NATS reply inbox: ACK, or a rejection naming why it will never run. It names the node
/// that answers and the message it answers, and is signed by that node, so an answer cannot be forged or moved.
/// </summary>
public sealed record AckReply(bool Accepted, string? Reason = null, string? Node = null, long Id = 0)
{
    public static AckReply Ack(string node, long id) => new(true, Node: node, Id: id);
    public static AckReply Reject(string node, long id, string reason) => new(false, reason, node, id);

    /// <summary>The answering node's signature; last, as on messages.</summary>
    public byte[]? Signature { get; init; }
}
