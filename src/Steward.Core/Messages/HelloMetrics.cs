namespace Steward.Core.Messages;

/// <summary>
/// A node's counters since it started, in its hello (<see cref="HelloInfo.Metrics"/>): its sent messages done and failed,
/// its resends, and the messages it refused on arrival. A central that predates them ignores the field.
/// </summary>
public sealed record HelloMetrics(long Done, long Failed, long Retries, long Rejected);
