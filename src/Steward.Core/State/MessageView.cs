namespace Steward.Core.State;

/// <summary>What <c>GET /messages/{id}</c> shows of an outbound message.</summary>
public sealed record MessageView(
    long Id, string ToNode, string Method, string State, int Attempts, string? LastError,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<string> Replies, IReadOnlyList<MessageEvent> Events);
