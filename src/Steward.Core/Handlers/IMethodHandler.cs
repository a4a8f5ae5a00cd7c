using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>Runs one method on the receiving node.</summary>
public interface IMethodHandler
{
    string Method { get; }

    /// <summary>Why this node will never run <paramref name="message"/>, checked before it is ACKed; null when it will.</summary>
    string? Refusal(Message message) => null;

    /// <summary>Runs the method; <paramref name="ct"/> fires at <c>methodTimeout</c> or when the node stops.</summary>
    Task<HandlerResult> HandleAsync(Message message, CancellationToken ct);
}

/// <summary>
/// The outcome of a method: the reply's data, the exit code of a command, an error to report, and messages the method
/// sends on (<paramref name="Send"/>), which are stored in the same commit that marks the method finished.
/// </summary>
public sealed record HandlerResult(byte[]? Data, int? ExitCode = null, string? Error = null, IReadOnlyList<Message>? Send = null)
{
    public static readonly HandlerResult Empty = new((byte[]?)null);
}

/// <summary>Thrown for a message a handler will never run (a bad path, say): the message is rejected, not retried.</summary>
public sealed class MessageRejectedException(string reason) : Exception(reason);
