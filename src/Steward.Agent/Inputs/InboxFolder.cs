using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Agent.Inputs;

/// <summary>
/// <c>&lt;data&gt;/inbox/</c>: a file holding one message or an array is accepted like a REST message and removed; an
/// invalid one moves to <c>inbox/rejected/</c> with a <c>.error</c> file naming the field. A file is taken only once
/// its size stayed the same for one poll, and names starting with '.' or ending in '.tmp' are left alone, so a file
/// being written (or written then renamed) is never read half-way.
/// </summary>
internal sealed partial class InboxFolder(NodeRuntime node, TimeProvider time, ILogger<InboxFolder> logger) : BackgroundService
{
    private const long MaxBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, long> _lastSize = new(StringComparer.Ordinal);

    public string Folder => Path.Combine(node.Context.DataFolder, "inbox");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        OwnerOnly.CreateFolder(Path.Combine(Folder, "rejected"));
        Log.Watching(logger, Folder);
        using var every = new PeriodicTimer(Poll, time);
        while (await every.WaitForNextTickAsync(stoppingToken))
            foreach (var file in Directory.EnumerateFiles(Folder).Order(StringComparer.Ordinal).ToList())
            {
                try
                {
                    if (IsComplete(file)) await TakeAsync(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // One file that cannot be read must not stop the inbox (or the node): it goes aside with the reason.
                    Reject(file, $"cannot read the file: {e.Message}");
                }
            }
    }

    private void Reject(string file, string reason)
    {
        var rejected = Path.Combine(Folder, "rejected", Path.GetFileName(file));
        try
        {
            File.Move(file, rejected, overwrite: true);
            using var error = new StreamWriter(new FileStream(rejected + ".error", OwnerOnly.Write(FileMode.Create, FileShare.Read)));
            error.Write(reason + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CannotMove(logger, file, e.Message);
        }
        _lastSize.Remove(file);
        Log.Rejected(logger, file, reason);
    }

    private bool IsComplete(string file)
    {
        var name = Path.GetFileName(file);
        if (name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.Ordinal)) return false;
        var info = new FileInfo(file);
        if (info.Length > MaxBytes)
        {
            Reject(file, $"larger than {MaxBytes} bytes");
            return false;
        }
        var size = info.Length;
        var stable = _lastSize.TryGetValue(file, out var before) && before == size;
        _lastSize[file] = size;
        return stable;
    }

    private async Task TakeAsync(string file)
    {
        _lastSize.Remove(file);
        var content = await File.ReadAllBytesAsync(file);
        var input = MessageInput.Parse(content);
        if (input.Errors.Count > 0)
        {
            Reject(file, input.Summary);
            return;
        }
        var ids = await node.Outbox.AcceptInputAsync(input.Messages, LocalInput.File(file, content));
        File.Delete(file);
        if (ids.Count == 0) Log.AlreadyTaken(logger, file);
        else Log.Accepted(logger, file, string.Join(",", ids));
    }

    private static partial class Log
    {
        [LoggerMessage(10001, LogLevel.Information, "Inbox {Folder} is watched")]
        public static partial void Watching(ILogger logger, string folder);

        [LoggerMessage(10002, LogLevel.Information, "Inbox file {File} accepted as message(s) {Ids}")]
        public static partial void Accepted(ILogger logger, string file, string ids);

        [LoggerMessage(10003, LogLevel.Warning, "Inbox file {File} rejected: {Problems}")]
        public static partial void Rejected(ILogger logger, string file, string problems);

        [LoggerMessage(10005, LogLevel.Warning, "Inbox file {File} was taken before the node last stopped; removed, not sent again")]
        public static partial void AlreadyTaken(ILogger logger, string file);

        [LoggerMessage(10004, LogLevel.Error, "Inbox file {File} could not be moved to rejected/: {Reason}")]
        public static partial void CannotMove(ILogger logger, string file, string reason);
    }
}
