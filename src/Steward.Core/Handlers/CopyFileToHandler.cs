using Steward.Core.Handlers.Copy;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQCopyFileTo</c>: writes a copied file at the destination path of its <c>methodArgs</c> (<see cref="CopyArgs"/>):
/// the whole file from <c>data</c> (the original's form), one chunk of a copy a <c>REQCopyFileFrom</c> sends, or the
/// abort of one. Only inside the node's files folder or under <c>Steward:CopyToPrefixes</c>, and at most
/// <c>Steward:CopyMaxBytes</c>: anything else is refused before it is ACKed, naming why.
/// </summary>
internal sealed class CopyFileToHandler(CopyTarget target, CopyReceiver receiver, long maxBytes) : IMethodHandler
{
    public string Method => Methods.CopyFileTo;

    public string? Refusal(Message message)
    {
        var (args, problem) = CopyArgs.ParseTo(message.MethodArgs, message.Data?.Length ?? 0);
        if (args is null) return problem;
        var size = args.Part?.Size ?? (args.Aborts is null ? message.Data?.Length ?? 0 : 0);
        return size > maxBytes
            ? $"the file is {size} bytes, over the {maxBytes} bytes this node takes (Steward:CopyMaxBytes)"
            : target.Problem(args.DestinationPath);
    }

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var args = CopyArgs.ParseTo(message.MethodArgs, message.Data?.Length ?? 0).Args!;   // checked before it was ACKed
        return args switch
        {
            { Aborts: { } copyId } => receiver.AbortAsync(message, args.DestinationPath, copyId, ct),
            { Part: { } part } => receiver.ChunkAsync(message, args.DestinationPath, part, ct),
            _ => receiver.WholeAsync(message, args.DestinationPath, ct),
        };
    }
}
