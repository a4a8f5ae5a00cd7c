using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;

namespace Steward.Core.State;

/// <summary>
/// One line in <c>audit.log</c>: when, which way, and the whole message, so it can be recreated; for a message an
/// operator posted to the gateway, which operator.
/// </summary>
public sealed record AuditEntry(DateTimeOffset At, string Direction, Message Message, string? Operator = null)
{
    public const string Out = "out";
    public const string In = "in";
}

/// <summary>
/// Appends every message a node publishes or handles to <c>&lt;data&gt;/audit.log</c> as JSON lines. The database is the
/// durable record; this file is for people and tools, written by one writer in batches off the hot path. Before a line
/// would take it past <c>maxBytes</c>, <c>audit.log</c> becomes <c>audit.log.1</c> (which becomes <c>.2</c>, and so on)
/// and a new one starts; <c>filesKept</c> rotated files are kept and the oldest is deleted.
/// </summary>
public sealed partial class AuditLog : IAsyncDisposable
{
    // Bounded so a stuck disk cannot grow memory without end; Wait makes callers slow down rather than lose lines.
    private readonly Channel<AuditEntry> _entries = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _filesKept;
    private readonly TimeProvider _time;
    private readonly Task _writer;
    private readonly ILogger _logger;

    public AuditLog(string dataFolder, long maxBytes, int filesKept, TimeProvider time, ILogger logger)
    {
        _logger = logger;
        _path = Path.Combine(dataFolder, "audit.log");
        _maxBytes = maxBytes;
        _filesKept = filesKept;
        _time = time;
        _writer = Task.Run(WriteAllAsync);
    }

    /// <summary>
    /// Queues the line of <paramref name="message"/>. A copy's file content (<c>REQCopyFileTo</c>'s data) is left out: a
    /// large copy would rotate the whole audit history away; the line keeps where the bytes go and the file's SHA-256.
    /// </summary>
    public ValueTask AppendAsync(string direction, Message message, string? operatorName = null, CancellationToken ct = default) =>
        _entries.Writer.WriteAsync(new AuditEntry(_time.GetUtcNow(), direction, message.Method == Methods.CopyFileTo ? message with { Data = null } : message, operatorName), ct);

    private async Task WriteAllAsync()
    {
        var batch = new MemoryStream();
        var line = new MemoryStream();
        while (await _entries.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.SetLength(0);
            try
            {
                var size = File.Exists(_path) ? new FileInfo(_path).Length : 0;
                while (_entries.Reader.TryRead(out var entry))
                {
                    line.SetLength(0);
                    JsonSerializer.Serialize(line, entry, StewardJson.Default.AuditEntry);
                    line.WriteByte((byte)'\n');
                    if (size + batch.Length > 0 && size + batch.Length + line.Length > _maxBytes)
                    {
                        await WriteAsync(batch).ConfigureAwait(false);
                        batch.SetLength(0);
                        Rotate();
                        size = 0;
                    }
                    line.WriteTo(batch);
                }
                await WriteAsync(batch).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A full or failing disk must not stop the node: the messages are safe in steward.db; these lines are lost.
                Log.WriteFailed(_logger, e, _path);
            }
        }
    }

    private async Task WriteAsync(MemoryStream batch)
    {
        if (batch.Length == 0) return;
        var file = new FileStream(_path, OwnerOnly.Write(FileMode.Append, FileShare.ReadWrite));
        await using (file.ConfigureAwait(false))
            await file.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length)).ConfigureAwait(false);
    }

    /// <summary>audit.log → audit.log.1 → … → audit.log.N, the oldest deleted; a rename keeps each file's 0600.</summary>
    private void Rotate()
    {
        File.Delete($"{_path}.{_filesKept}");
        for (var i = _filesKept - 1; i >= 1; i--)
            if (File.Exists($"{_path}.{i}")) File.Move($"{_path}.{i}", $"{_path}.{i + 1}");
        File.Move(_path, $"{_path}.1");
    }

    public async ValueTask DisposeAsync()
    {
        _entries.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(8001, LogLevel.Error, "Cannot append to the audit log {Path}; the lines of this batch are lost")]
        public static partial void WriteFailed(ILogger logger, Exception ex, string path);
    }
}
