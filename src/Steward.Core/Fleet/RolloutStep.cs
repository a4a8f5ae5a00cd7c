using Steward.Core.State;

namespace Steward.Core.Fleet;

/// <summary>Where a rollout's messages are: still waiting, released and not final, released in all, released that ended in error.</summary>
internal readonly record struct RolloutCounts(int Waiting, int InFlight, int Released, int Errors);

/// <summary>What a rollout does now: its state, how many waiting messages it releases, why it stopped, when its next wave goes.</summary>
internal sealed record RolloutDecision(string State, int Release = 0, string? StopReason = null, DateTime? NextWaveAt = null);

/// <summary>
/// The rule of a rollout, from where it is to what it does next. Without <c>batchSleepSeconds</c> it keeps
/// <c>concurrency</c> messages in flight, releasing the next as earlier ones end; with it, it goes in waves of
/// <c>concurrency</c>, each released once the one before has ended and the sleep has passed. Once its errors reach
/// the limit, whatever still waits is cancelled and what is in flight finishes. The i-th message released (from 0)
/// is in wave i / concurrency + 1, in both modes.
/// </summary>
internal static class RolloutStep
{
    public static RolloutDecision Next(BatchEntry rollout, RolloutCounts counts, DateTime now)
    {
        if (rollout.RolloutState != RolloutStates.Running) return new(rollout.RolloutState!, StopReason: rollout.StopReason);
        if (rollout.ErrorLimit is { } limit && counts.Errors >= limit && counts.Waiting > 0)
            return new(RolloutStates.Stopped, StopReason: $"rollout stopped: {Count(counts.Errors, "error")} reached maxErrors {Limit(rollout.MaxErrors!, limit)}");
        if (counts.Waiting == 0) return new(counts.InFlight == 0 ? RolloutStates.Done : RolloutStates.Running);
        var concurrency = rollout.Concurrency ?? 1;
        if (rollout.BatchSleepSeconds == 0)
            return new(RolloutStates.Running, Release: Math.Clamp(concurrency - counts.InFlight, 0, counts.Waiting));
        if (counts.InFlight > 0) return new(RolloutStates.Running);   // a wave ends before the next begins
        if (counts.Released > 0 && (rollout.NextWaveAt ?? now.AddSeconds(rollout.BatchSleepSeconds)) is var due && due > now)
            return new(RolloutStates.Running, NextWaveAt: due);
        return new(RolloutStates.Running, Release: Math.Min(concurrency, counts.Waiting));
    }

    /// <summary>The wave of the message released after <paramref name="releasedBefore"/> others.</summary>
    public static int WaveOf(int releasedBefore, int concurrency) => releasedBefore / concurrency + 1;

    private static string Limit(string given, int limit) => given.EndsWith('%') ? $"{given} ({Count(limit, "node")})" : given;

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
