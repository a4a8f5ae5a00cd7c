namespace Steward.Core.State;

/// <summary>The persisted counter behind message ids: unique per sending node, across restarts.</summary>
public sealed class IdSequence
{
    public const string Messages = "messages";
    public required string Name { get; set; }
    public long Last { get; set; }
}
