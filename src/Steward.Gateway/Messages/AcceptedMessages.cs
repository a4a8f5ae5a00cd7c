namespace Steward.Gateway.Messages;

/// <summary>The answer to a POST: one id per message stored, and where to follow each.</summary>
public sealed record AcceptedMessages(IReadOnlyList<long> Ids, IReadOnlyList<string> Links);
