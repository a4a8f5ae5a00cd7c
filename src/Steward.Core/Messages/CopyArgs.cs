using System.Globalization;

namespace Steward.Core.Messages;

/// <summary>
/// The <c>methodArgs</c> of the copy methods, in the original's order with what a copy in chunks needs after it:
/// <list type="bullet">
/// <item><c>REQCopyFileFrom</c>: <c>[sourcePath, destinationNode, destinationPath]</c>.</item>
/// <item><c>REQCopyFileTo</c>, the whole file in <c>data</c>: <c>[destinationPath]</c>, or the original's
/// <c>[sourcePath, destinationNode, destinationPath]</c>.</item>
/// <item><c>REQCopyFileTo</c>, one chunk of a copy: those three, then <c>copyId, chunk, chunks, offset, size, sha256</c>
/// (the sha256 of the whole file, in lowercase hex).</item>
/// <item><c>REQCopyFileTo</c>, the end of a copy its source gave up: those three, then <c>copyId, "abort"</c>.</item>
/// </list>
/// </summary>
public static class CopyArgs
{
    public const string Abort = "abort";

    public sealed record FromArgs(string SourcePath, string DestinationNode, string DestinationPath);

    /// <summary>One chunk of copy <paramref name="CopyId"/>: its bytes go at <paramref name="Offset"/> of a file of <paramref name="Size"/> bytes.</summary>
    public sealed record Chunk(long CopyId, int Index, int Count, long Offset, long Size, string Sha256);

    /// <summary>A <c>REQCopyFileTo</c>: the whole file (<c>Part</c> and <c>Aborts</c> null), one chunk, or an abort.</summary>
    public sealed record ToArgs(string DestinationPath, Chunk? Part = null, long? Aborts = null);

    public static (FromArgs? Args, string? Problem) ParseFrom(string[]? args)
    {
        if (args is not [var source, var node, var destination])
            return (null, "REQCopyFileFrom needs methodArgs [sourcePath, destinationNode, destinationPath]");
        if (!Path.IsPathRooted(source) || source.Contains('\0', StringComparison.Ordinal))
            return (null, $"methodArgs[0] (sourcePath) must be an absolute file path, was '{source}'");
        if (!NodeName.IsValid(node)) return (null, $"methodArgs[1] (destinationNode) '{node}' must match {NodeName.Rule}");
        return PathProblem(destination) is { } problem ? (null, $"methodArgs[2] (destinationPath) {problem}") : (new FromArgs(source, node, destination), null);
    }

    /// <summary>Reads a <c>REQCopyFileTo</c>'s arguments; <paramref name="dataLength"/> is checked against a chunk's place in the file.</summary>
    public static (ToArgs? Args, string? Problem) ParseTo(string[]? args, int dataLength)
    {
        switch (args)
        {
            case [var path]:
                return PathProblem(path) is { } bad ? (null, $"methodArgs[0] (destinationPath) {bad}") : (new ToArgs(path), null);
            case [_, var node, var path, ..] when !NodeName.IsValid(node):
                return (null, $"methodArgs[1] (destinationNode) '{node}' must match {NodeName.Rule}");
            case [_, _, var path, ..] when PathProblem(path) is { } problem:
                return (null, $"methodArgs[2] (destinationPath) {problem}");
            case [_, _, var path]:
                return (new ToArgs(path), null);
            case [_, _, var path, var id, Abort]:
                return Positive(id) is { } copyId ? (new ToArgs(path, Aborts: copyId), null) : (null, "methodArgs[3] (copyId) must be a positive number");
            case [_, _, var path, var id, var chunk, var chunks, var offset, var size, var sha256]:
            {
                var (part, wrong) = ParseChunk(id, chunk, chunks, offset, size, sha256, dataLength);
                return part is null ? (null, wrong) : (new ToArgs(path, part), null);
            }
            default:
                return (null, "REQCopyFileTo needs methodArgs [destinationPath] (or the original's [sourcePath, destinationNode, destinationPath]) with the file as data");
        }
    }

    /// <summary>The arguments of one chunk, in the order they go on the wire after the first three.</summary>
    public static string[] Of(FromArgs copy, Chunk chunk) =>
    [
        copy.SourcePath, copy.DestinationNode, copy.DestinationPath, Text(chunk.CopyId), Text(chunk.Index), Text(chunk.Count), Text(chunk.Offset),
        Text(chunk.Size), chunk.Sha256,
    ];

    public static string[] AbortOf(FromArgs copy, long copyId) => [copy.SourcePath, copy.DestinationNode, copy.DestinationPath, Text(copyId), Abort];

    private static (Chunk? Part, string? Problem) ParseChunk(string id, string chunk, string chunks, string offset, string size, string sha256, int dataLength)
    {
        if (Positive(id) is not { } copyId) return (null, "methodArgs[3] (copyId) must be a positive number");
        if (!int.TryParse(chunks, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            return (null, "methodArgs[5] (chunks) must be a number of at least 1");
        if (!int.TryParse(chunk, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= count)
            return (null, $"methodArgs[4] (chunk) must be a number from 0 to {count - 1}");
        if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
            return (null, "methodArgs[7] (size) must be a number of bytes");
        if (!long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var at) || at > bytes - dataLength)
            return (null, $"methodArgs[6] (offset) must be a number with offset + the {dataLength} bytes of data within the size {bytes}");
        if (index == count - 1 && at + dataLength != bytes)
            return (null, $"the last chunk must end the file: offset {at} + {dataLength} bytes of data is not the size {bytes}");
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            return (null, "methodArgs[8] (sha256) must be the file's SHA-256 as 64 lowercase hex digits");
        return (new Chunk(copyId, index, count, at, bytes, sha256), null);
    }

    /// <summary>What is wrong with a destination path before the node's own rules look at it: never a way up with '..'.</summary>
    private static string? PathProblem(string path)
    {
        if (string.IsNullOrEmpty(path)) return "must be a file path";
        if (path.Contains('\0', StringComparison.Ordinal)) return "must not contain NUL";
        if (path.EndsWith('/')) return $"must name a file, not a folder: '{path}'";
        return path.Split('/').Any(p => p == "..") ? $"must not contain '..': '{path}'" : null;
    }

    private static long? Positive(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
