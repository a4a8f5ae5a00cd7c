namespace Steward.Core.State;

/// <summary>A message this node received. Its key <c>(FromNode, Id)</c> is the memory that makes a resend run only once.</summary>
public sealed class InboundMessage
{
    public required string FromNode { get; set; }
    public long Id { get; set; }
    public required string Method { get; set; }
    public required string Json { get; set; }
    public string State { get; set; } = InboundStates.Received;
    public DateTime ReceivedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>The process group of the command this message last started (see <see cref="Handlers.ProcessGroup"/>).</summary>
    public int? ProcessGroup { get; set; }

    public string? ProcessBoot { get; set; }
    public long? ProcessStartTicks { get; set; }

    /// <summary>Where this message's append to its file started (<c>REQToFileAppend</c>), recorded before it is made.</summary>
    public long? AppendFrom { get; set; }
}

public static class InboundStates
{
    public const string Received = "received";
    public const string Done = "done";
}
