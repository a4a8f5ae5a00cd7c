using Steward.Core.Handlers;

namespace Steward.Agent.Inputs;

/// <summary>
/// Reads an inbox or startup file: a regular file only, and at most a cap of it. A link (to /dev/zero, say), a FIFO, a
/// socket or a device is never opened: reading /dev/zero never ends, and opening a FIFO waits for a writer forever.
/// </summary>
internal static class InputFile
{
    /// <summary>The file's content, or (<paramref name="Content"/> null) why it is not read: one line, for the log and the <c>.error</c> file.</summary>
    public sealed record Outcome(byte[]? Content, string? Refusal);

    /// <summary>What the entry is when it is not a regular file ("a FIFO"), or null for a regular file; links are not followed.</summary>
    public static string? NotRegular(string path) => FileKind.NotRegular(path, followLinks: false);

    /// <summary>Why the entry is not read, without opening it: not a regular file, or larger than <paramref name="maxBytes"/>; null when it is fine.</summary>
    public static string? Refusal(string path, long maxBytes) =>
        NotRegular(path) is { } kind ? $"not a regular file but {kind}"
        : new FileInfo(path).Length > maxBytes ? TooLarge(maxBytes)
        : null;

    /// <summary>
    /// Reads the file when <see cref="Refusal"/> has none; the read itself stops one byte past the cap, so a file that
    /// grows while it is read still cannot grow the node's memory.
    /// </summary>
    public static async Task<Outcome> ReadAsync(string path, long maxBytes, CancellationToken ct)
    {
        if (Refusal(path, maxBytes) is { } refusal) return new(null, refusal);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var content = new MemoryStream();
            var buffer = new byte[64 * 1024];
            for (int read; content.Length <= maxBytes
                 && (read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, maxBytes + 1 - content.Length)), ct).ConfigureAwait(false)) > 0;)
                content.Write(buffer, 0, read);
            return content.Length > maxBytes ? new(null, TooLarge(maxBytes)) : new(content.ToArray(), null);
        }
    }

    private static string TooLarge(long maxBytes) => $"larger than {maxBytes} bytes (Steward:InputFileMaxBytes)";
}
