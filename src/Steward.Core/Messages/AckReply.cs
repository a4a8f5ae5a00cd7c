namespace Steward.Core.Messages;

/// <summary>What a receiver answers on the NATS reply inbox: ACK, or a rejection naming why it will never run.</summary>
public sealed record AckReply(bool Accepted, string? Reason = null)
{
    public static readonly AckReply Ack = new(true);
    public static AckReply Reject(string reason) => new(false, reason);
}
