using System.Text;
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
/// being written (or written then renamed) is never read half-way. Only regular files up to <c>InputFileMaxBytes</c> are
/// read: a link, a FIFO or a larger file moves to <c>rejected/</c> unopened (a link as the link).
/// </summary>
internal sealed partial class InboxFolder(NodeRuntime node, StewardOptions options, TimeProvider time, ILogger<InboxFolder> logger) : BackgroundService
{
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
                    if (IsComplete(file)) await TakeAsync(file, stoppingToken);
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
            // Whole or not at all, so whoever sees the .error file (a tool, a test) never reads it empty.
            OwnerOnly.WriteWhole(rejected + ".error", error => error.Write(Encoding.UTF8.GetBytes(reason + "\n")));
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
        if (InputFile.Refusal(file, options.InputFileMaxBytes) is { } refusal)
        {
            Reject(file, refusal);
            return false;
        }
        var size = new FileInfo(file).Length;
        var stable = _lastSize.TryGetValue(file, out var before) && before == size;
        _lastSize[file] = size;
        return stable;
    }

    private async Task TakeAsync(string file, CancellationToken ct)
    {
        _lastSize.Remove(file);
        var read = await InputFile.ReadAsync(file, options.InputFileMaxBytes, ct);
        if (read.Content is not { } content)
        {
            Reject(file, read.Refusal!);
            return;
        }
        var input = MessageInput.Parse(content, EntryPoint.NodeInput);
        if (input.Errors.Count > 0)
        {
            Reject(file, input.Summary);
            return;
        }
        var ids = await node.Outbox.AcceptInputAsync(input.Messages, LocalInput.File(file, content), ct);
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
