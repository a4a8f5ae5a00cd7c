using Steward.Core.Messages;

namespace Steward.Core.Fleet;

/// <summary>
/// A fan-out as central resolved it: what was asked for (a selector, names and name patterns, <c>onlyOnline</c>), the
/// nodes that resolved to, in the order they are sent to, and its rollout, when it has one.
/// </summary>
public sealed record FanOut(string? Selector, IReadOnlyList<string> Targets, bool OnlyOnline, IReadOnlyList<string> Nodes, RolloutPlan? Rollout);

/// <summary>
/// How a rollout paces a fan-out: at most <see cref="Concurrency"/> messages released and not final at a time, in
/// waves with <see cref="BatchSleepSeconds"/> between them when that is set, stopped once <see cref="ErrorLimit"/> of
/// them ended in error. <see cref="MaxConcurrency"/> and <see cref="MaxErrors"/> are kept as given (<c>25%</c>).
/// </summary>
public sealed record RolloutPlan(string MaxConcurrency, int Concurrency, string? MaxErrors, int? ErrorLimit, int BatchSleepSeconds)
{
    /// <summary>The plan <paramref name="message"/> asks for over <paramref name="nodes"/> nodes; null without <c>maxConcurrency</c>.</summary>
    public static RolloutPlan? For(Message message, int nodes) => message.MaxConcurrency is { } concurrency
        ? new(concurrency, CountOrPercent.Of(concurrency, nodes), message.MaxErrors,
            message.MaxErrors is { } errors ? CountOrPercent.Of(errors, nodes) : null, message.BatchSleepSeconds)
        : null;

    /// <summary>How many waves of <see cref="Concurrency"/> the nodes take.</summary>
    public int Waves(int nodes) => (nodes + Concurrency - 1) / Concurrency;
}
