namespace Steward.Core.State;

/// <summary>
/// What storing a received message found: new, a resend of one already stored, or a new message whose mark (the origin
/// of a relayed message, the position of a reply) came before under another id: a replay.
/// </summary>
public enum Arrival { New, Duplicate, Replayed }
