namespace Steward.Core.State;

/// <summary>
/// Labels an operator set for a node on central (<c>PUT /nodes/{name}/labels</c>): kept apart from what the node's hello
/// says, so a hello never erases them; where both name a key, the operator's value wins.
/// </summary>
public sealed class NodeLabelsEntry
{
    public required string Name { get; set; }

    /// <summary>As JSON (<c>{"tier":"canary"}</c>).</summary>
    public required string Labels { get; set; }
    public string? SetBy { get; set; }
    public DateTime SetAt { get; set; }
}
