namespace Steward.Core.Outbound;

/// <summary>Which unfinished messages of a node's queue to cancel: any of these, all that are given must match.</summary>
public sealed record QueueFilter(string? ToNode = null, string? State = null, TimeSpan? OlderThan = null, IReadOnlyCollection<long>? Ids = null);
