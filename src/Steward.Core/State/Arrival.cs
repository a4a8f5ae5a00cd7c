namespace Steward.Core.State;

/// <summary>What storing a received message found: new, a resend of one already stored, or a relayed origin seen before.</summary>
public enum Arrival { New, Duplicate, ReplayedOrigin }
