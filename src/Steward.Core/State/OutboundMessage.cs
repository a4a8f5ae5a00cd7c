namespace Steward.Core.State;

/// <summary>A message this node sends: the row is the real queue, so a restart resumes from it.</summary>
public sealed class OutboundMessage
{
    public long Id { get; set; }
    public required string ToNode { get; set; }
    public required string Method { get; set; }
    public required string Json { get; set; }
    public string State { get; set; } = MessageStates.Queued;
    public int Attempts { get; set; }

    /// <summary>The fan-out this message belongs to: the id of the batch's first message.</summary>
    public long? BatchId { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    // Declared last, as the columns an upgrade adds to older files come last (SchemaDefinitionTests).
    /// <summary>For a message of a rollout: the wave that released it (1, 2, …); null while it waits, and outside rollouts.</summary>
    public int? Wave { get; set; }

    /// <summary>The exit code its reply reported (a command's), when one did.</summary>
    public int? ExitCode { get; set; }
}
