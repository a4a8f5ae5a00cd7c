using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>A method that replies while it runs: each <c>emit</c> sends a reply of the stream (<c>replySeq</c> 0, 1, ...).</summary>
public interface IStreamingHandler : IMethodHandler
{
    /// <summary>Runs the method, emitting partial results; the result it returns is the stream's last reply.</summary>
    Task<HandlerResult> StreamAsync(Message message, Func<HandlerResult, Task> emit, CancellationToken ct);

    Task<HandlerResult> IMethodHandler.HandleAsync(Message message, CancellationToken ct) => StreamAsync(message, _ => Task.CompletedTask, ct);
}
