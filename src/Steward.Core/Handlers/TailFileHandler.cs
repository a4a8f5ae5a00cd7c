using System.Text;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQTailFile</c>: follows the file in <c>methodArgs[0]</c> from its end and replies with each new line until
/// <c>methodTimeout</c>. It keeps following when the file is truncated, or rotated (renamed and created anew). A line
/// longer than <see cref="MaxLineBytes"/> is sent in pieces of that size, so a file without newlines (or /dev/zero)
/// cannot grow the node's memory.
/// </summary>
internal sealed class TailFileHandler(TimeProvider time) : IStreamingHandler
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public const int MaxLineBytes = OutputBatch.MaxBytes;

    public string Method => Methods.TailFile;

    public string? Refusal(Message message) =>
        message.MethodArgs is [{ Length: > 0 } path, ..] && Path.IsPathRooted(path) ? null : "REQTailFile needs an absolute file path as methodArgs[0]";

    public async Task<HandlerResult> StreamAsync(Message message, Func<HandlerResult, Task> emit, CancellationToken ct)
    {
        var path = message.MethodArgs![0];
        var batch = new OutputBatch(time);
        var follow = FollowAsync(path, batch.Add, ct);
        var rest = await batch.PumpAsync(follow, part => emit(new HandlerResult(part))).ConfigureAwait(false);
        await follow.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // it ends by the timeout, which is the normal end
        return follow.IsFaulted ? new HandlerResult(rest, Error: $"cannot follow {path}: {follow.Exception!.InnerException!.Message}") : new HandlerResult(rest);
    }

    private async Task FollowAsync(string path, Func<string, ValueTask> onLine, CancellationToken ct)
    {
        var file = Open(path, fromEnd: true);
        var pending = new List<byte>();   // a line the writer has not finished yet
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                for (int read; (read = await file.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0;)
                    for (var i = 0; i < read; i++)
                    {
                        if (buffer[i] != '\n') pending.Add(buffer[i]);
                        if (buffer[i] != '\n' && pending.Count < MaxLineBytes) continue;
                        await onLine(Encoding.UTF8.GetString(pending.ToArray())).ConfigureAwait(false);   // waits while the batch is full
                        pending.Clear();
                    }
                await Task.Delay(Poll, time, ct).ConfigureAwait(false);
                if (file.Length < file.Position)
                {
                    file.Position = 0;   // truncated in place
                }
                else if (WasReplaced(path, file))
                {
                    await file.DisposeAsync().ConfigureAwait(false);   // rotated: the old file was read to its end above
                    file = Open(path, fromEnd: false);
                }
            }
        }
        finally
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static FileStream Open(string path, bool fromEnd)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (fromEnd) file.Seek(0, SeekOrigin.End);
        return file;
    }

    /// <summary>
    /// Whether the path now names another file than the one open: Linux tells through /proc which name an fd has. macOS
    /// and Windows do not: there a rotated file is not followed to its successor.
    /// </summary>
    private static bool WasReplaced(string path, FileStream file)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return false;   // or moved away, not yet created again
        var openAs = new FileInfo($"/proc/self/fd/{file.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
        return openAs is not null && openAs != Path.GetFullPath(path);
    }
}
