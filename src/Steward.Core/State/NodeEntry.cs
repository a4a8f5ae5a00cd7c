namespace Steward.Core.State;

/// <summary>A node central has heard from by <c>REQHello</c>: the node registry.</summary>
public sealed class NodeEntry
{
    public required string Name { get; set; }
    public DateTime FirstSeen { get; set; }
    public DateTime LastSeen { get; set; }
    public string? Version { get; set; }
    public string? Os { get; set; }
    public string? Arch { get; set; }
    public DateTime? StartedAt { get; set; }

    /// <summary>The labels of its last hello, as JSON (<c>{"role":"web","os":"linux"}</c>).</summary>
    public string? Labels { get; set; }

    /// <summary>The metrics summary of its last hello, as JSON (<see cref="Messages.HelloMetrics"/>); null from a node that sends none.</summary>
    public string? Metrics { get; set; }
}
