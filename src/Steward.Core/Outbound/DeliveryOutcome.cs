namespace Steward.Core.Outbound;

public enum Delivered { Acked, Published, Rejected, Failed, Cancelled }

/// <summary>How one delivery ended, for the outbox to record: after how many attempts, and why it failed or the receiver's reason to reject it.</summary>
internal sealed record DeliveryOutcome(Delivered How, int Attempts, string? Error = null);
