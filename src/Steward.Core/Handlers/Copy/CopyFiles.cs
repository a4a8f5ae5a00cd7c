using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Steward.Core.State;

namespace Steward.Core.Handlers.Copy;

/// <summary>
/// The file work of a copy on the receiving node: a temporary file (0600) beside the destination, bytes written at their
/// offset and flushed to disk, and the last step an atomic rename followed by a flush of the folder, so after a crash the
/// destination holds the old file or the whole new one, never a part.
/// </summary>
internal static partial class CopyFiles
{
    /// <summary>Creates the temporary file at its full size unless it exists; the space is asked for now, so a full disk fails first.</summary>
    public static void Prepare(string temporary, long size)
    {
        if (File.Exists(temporary)) return;
        var options = OwnerOnly.Write(FileMode.CreateNew, FileShare.Read);
        options.PreallocationSize = size;
        using var file = new FileStream(temporary, options);
        file.SetLength(size);
        file.Flush(flushToDisk: true);
    }

    public static async Task WriteAtAsync(string temporary, long offset, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        using var handle = File.OpenHandle(temporary, FileMode.Open, FileAccess.Write, FileShare.Read);
        await RandomAccess.WriteAsync(handle, data, offset, ct).ConfigureAwait(false);
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>
    /// How many of <paramref name="data"/>'s first bytes the file holds at <paramref name="offset"/>: what a run cut off by
    /// a restart wrote before it (all of them, or the first part when the kill came during the write).
    /// </summary>
    public static async Task<int> HoldsAsync(string temporary, long offset, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        using var handle = File.OpenHandle(temporary, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var there = new byte[data.Length];
        var read = 0;
        for (int n; read < there.Length && (n = await RandomAccess.ReadAsync(handle, there.AsMemory(read), offset + read, ct).ConfigureAwait(false)) > 0;) read += n;
        return there.AsSpan(0, read).CommonPrefixLength(data.Span);
    }

    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, useAsync: true);
        await using (file.ConfigureAwait(false))
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
    }

    /// <summary>The temporary file becomes the destination (replacing what was there), and the rename itself is made durable.</summary>
    public static void Commit(string temporary, string path)
    {
        File.Move(temporary, path, overwrite: true);
        FlushFolder(Path.GetDirectoryName(path)!);
    }

    /// <summary>A whole file in one go (the original's single-message copy): written beside the destination, then committed.</summary>
    public static async Task WriteWholeAsync(string temporary, string path, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var file = new FileStream(temporary, OwnerOnly.Write(FileMode.Create, FileShare.Read));
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(data, ct).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        Commit(temporary, path);
    }

    /// <summary>Removes what a failed copy left; nothing when there is nothing, also when its folder was never made.</summary>
    public static void Discard(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (DirectoryNotFoundException)
        {
            // An abort that comes before the copy's first chunk: the destination's folder does not exist yet, nor the file.
        }
    }

    /// <summary>fsync(2) of a folder: .NET opens no folder, and a rename is durable only once its folder is flushed.</summary>
    private static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;   // Windows has no fsync of a folder; NTFS journals the rename itself
        var fd = Open(folder, 0);   // O_RDONLY
        if (fd < 0) throw new IOException($"cannot open {folder} to flush it: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"cannot flush {folder}: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
