using Steward.Core.State;

namespace Steward.Gateway.Messages;

/// <summary>
/// One outbound message in a list: its state without its events; the wave that released it, in a rollout; the exit code
/// its reply reported, when one did.
/// </summary>
public sealed record MessageSummary(
    long Id, string ToNode, string Method, string State, int Attempts, string? LastError, long? BatchId, DateTime CreatedAt, DateTime UpdatedAt,
    int? Wave = null, int? ExitCode = null)
{
    public static MessageSummary Of(OutboundMessage m) =>
        new(m.Id, m.ToNode, m.Method, m.State, m.Attempts, m.LastError, m.BatchId, m.CreatedAt, m.UpdatedAt, m.Wave, m.ExitCode);
}

/// <summary>A page of messages, newest first; <c>next</c> is the <c>after</c> to ask for the following page.</summary>
public sealed record MessagePage(IReadOnlyList<MessageSummary> Messages, long? Next);
