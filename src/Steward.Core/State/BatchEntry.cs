namespace Steward.Core.State;

/// <summary>
/// A fan-out as it was asked for and resolved: the selector and the names (or name patterns) it was given, the nodes they
/// resolved to, and, for a rollout, its parameters and how far it got. Its messages are the outbound rows with its id
/// as their <c>BatchId</c>.
/// </summary>
public sealed class BatchEntry
{
    /// <summary>The batch id: its first message's id.</summary>
    public long Id { get; set; }
    public string? Selector { get; set; }

    /// <summary><c>toNode</c>, <c>toNodes</c> and <c>toHosts</c> as given, name patterns included, as a JSON array.</summary>
    public required string Targets { get; set; }
    public bool OnlyOnline { get; set; }

    /// <summary>The nodes the targets resolved to, in the order they are sent to, as a JSON array.</summary>
    public required string Nodes { get; set; }

    /// <summary>Null for a fan-out sent at once; else <see cref="RolloutStates"/>.</summary>
    public string? RolloutState { get; set; }

    /// <summary>As given: a count (<c>3</c>) or a percentage of the nodes (<c>25%</c>).</summary>
    public string? MaxConcurrency { get; set; }

    /// <summary>How many messages may be released and not final at a time, from <see cref="MaxConcurrency"/>.</summary>
    public int? Concurrency { get; set; }
    public string? MaxErrors { get; set; }

    /// <summary>The error count that stops the rollout, from <see cref="MaxErrors"/>; null: errors never stop it.</summary>
    public int? ErrorLimit { get; set; }
    public int BatchSleepSeconds { get; set; }

    /// <summary>The last wave released so far (0 before the first).</summary>
    public int Wave { get; set; }

    /// <summary>Messages released that ended failed or rejected, or with a non-zero exit code.</summary>
    public int Errors { get; set; }

    /// <summary>Why the rollout stopped before its end, when it did.</summary>
    public string? StopReason { get; set; }

    /// <summary>When the next wave goes, while the rollout sleeps between waves (<see cref="BatchSleepSeconds"/>).</summary>
    public DateTime? NextWaveAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Where a rollout is: releasing its messages wave by wave, at its end, or stopped by its errors.</summary>
public static class RolloutStates
{
    public const string Running = "running";
    public const string Done = "done";
    public const string Stopped = "stopped";
}
