namespace Steward.Core.State;

/// <summary>
/// Something that happened to an outbound message: a state change or reply output. <see cref="Seq"/> is the SSE event id,
/// so a client that reconnects with <c>Last-Event-ID</c> misses nothing.
/// </summary>
public sealed class MessageEvent
{
    public long Seq { get; set; }
    public long MessageId { get; set; }
    public required string Kind { get; set; }
    public required string Node { get; set; }
    public string? State { get; set; }
    public string? Output { get; set; }
    public int? ExitCode { get; set; }
    public int? Attempt { get; set; }
    public string? Error { get; set; }
    public DateTime At { get; set; }

    /// <summary>On the <c>queued</c> event of a message a rollout released: the wave it went in.</summary>
    [System.ComponentModel.Description("On the queued event of a message a rollout released: the wave it went in")]
    public int? Wave { get; set; }
}

public static class EventKinds
{
    public const string State = "state";
    public const string Reply = "reply";
    public const string Error = "error";
}
