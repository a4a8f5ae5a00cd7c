using System.Runtime.InteropServices;

namespace Steward.Agent.Inputs;

/// <summary>
/// Reads an inbox or startup file: a regular file only, and at most a cap of it. A link (to /dev/zero, say), a FIFO, a
/// socket or a device is never opened: reading /dev/zero never ends, and opening a FIFO waits for a writer forever.
/// </summary>
internal static partial class InputFile
{
    /// <summary>The file's content, or (<paramref name="Content"/> null) why it is not read: one line, for the log and the <c>.error</c> file.</summary>
    public sealed record Outcome(byte[]? Content, string? Refusal);

    /// <summary>What the entry is when it is not a regular file ("a FIFO"), or null for a regular file; links are not followed.</summary>
    public static string? NotRegular(string path)
    {
        // .NET tells no FIFO from a file (no public file-type API yet), so ask the kernel. statx's buffer has the same
        // layout on every architecture, unlike struct stat's.
        if (StatX(AtCurrentFolder, path, AtSymlinkNoFollow, StatXType, out var status) != 0)
            throw new IOException($"cannot stat {path}: errno {Marshal.GetLastPInvokeError()}");
        return (status.Mode & TypeMask) switch
        {
            Regular => null,
            Fifo => "a FIFO",
            Link => "a symbolic link",
            Socket => "a socket",
            CharacterDevice or BlockDevice => "a device",
            Folder => "a folder",
            _ => "of an unknown type",
        };
    }

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

    private const int AtCurrentFolder = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatXType = 0x1;
    private const ushort TypeMask = 0xF000, Fifo = 0x1000, CharacterDevice = 0x2000, Folder = 0x4000, BlockDevice = 0x6000,
        Regular = 0x8000, Link = 0xA000, Socket = 0xC000;

    /// <summary>The start of <c>struct statx</c> (256 bytes); only <c>stx_mode</c> is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatXBuffer
    {
        [FieldOffset(28)] public ushort Mode;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(int folder, string path, int flags, uint mask, out StatXBuffer status);
}
