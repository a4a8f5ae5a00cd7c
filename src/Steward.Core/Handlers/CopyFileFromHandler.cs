using Steward.Core.Handlers.Copy;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQCopyFileFrom</c>, sent to the node that has the file: <c>methodArgs</c> <c>[sourcePath, destinationNode,
/// destinationPath]</c>, as the original had them. It sends the file to the destination node in <c>REQCopyFileTo</c>
/// chunks (<see cref="CopySender"/>), replying with its progress, and lastly with the bytes, chunks, SHA-256 and
/// destination, or why the copy failed (exit code 1). A file that is missing, not a regular file or over
/// <c>Steward:CopyMaxBytes</c> is refused before the message is ACKed.
/// </summary>
internal sealed class CopyFileFromHandler(CopySender sender, long maxBytes) : IStreamingHandler
{
    public string Method => Methods.CopyFileFrom;

    public string? Refusal(Message message)
    {
        var (args, problem) = CopyArgs.ParseFrom(message.MethodArgs);
        return args is null ? problem : CopySource.Problem(args.SourcePath, maxBytes);
    }

    public Task<HandlerResult> StreamAsync(Message message, Func<HandlerResult, Task> emit, CancellationToken ct) =>
        sender.RunAsync(message, CopyArgs.ParseFrom(message.MethodArgs).Args!, emit, ct);   // checked before it was ACKed
}
