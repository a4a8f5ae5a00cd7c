using System.Security.Cryptography;

namespace Steward.Core.Handlers.Copy;

/// <summary>
/// The file a copy sends, read the way <c>REQTailFile</c> reads: any absolute path the node's user may read, links
/// followed. Only a regular file, and at most <c>Steward:CopyMaxBytes</c>, checked without opening it: a FIFO would wait
/// for a writer forever, a device would never end.
/// </summary>
internal static class CopySource
{
    /// <summary>Why the file cannot be sent, naming the argument; null when it can.</summary>
    public static string? Problem(string path, long maxBytes)
    {
        try
        {
            if (!File.Exists(path) && !Directory.Exists(path)) return $"methodArgs[0] (sourcePath) '{path}' does not exist";
            if (FileKind.NotRegular(path, followLinks: true) is { } kind) return $"methodArgs[0] (sourcePath) '{path}' is not a regular file but {kind}";
            var size = new FileInfo(path).Length;
            return size > maxBytes ? $"methodArgs[0] (sourcePath) '{path}' is {size} bytes, over the {maxBytes} bytes this node sends (Steward:CopyMaxBytes)" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"methodArgs[0] (sourcePath) '{path}' cannot be read: {e.Message}";
        }
    }

    public static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);

    /// <summary>The SHA-256 of the whole file and the bytes it was taken over (a file that grows or shrinks meanwhile shows here).</summary>
    public static async Task<(string Sha256, long Size)> HashAsync(string path, CancellationToken ct)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var file = Open(path);
        await using (file.ConfigureAwait(false))
        {
            var buffer = new byte[1 << 20];
            long size = 0;
            for (int read; (read = await file.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0; size += read) sha256.AppendData(buffer, 0, read);
            return (Convert.ToHexStringLower(sha256.GetHashAndReset()), size);
        }
    }

    /// <summary>Exactly <paramref name="length"/> bytes at <paramref name="offset"/>; null when the file is shorter now.</summary>
    public static async Task<byte[]?> ReadAsync(FileStream file, long offset, int length, CancellationToken ct)
    {
        var data = new byte[length];
        var read = 0;
        for (int n; read < length && (n = await RandomAccess.ReadAsync(file.SafeFileHandle, data.AsMemory(read), offset + read, ct).ConfigureAwait(false)) > 0;)
            read += n;
        return read == length ? data : null;
    }
}
