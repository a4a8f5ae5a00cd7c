using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Steward.Core.Messages;

namespace Steward.Core.State;

/// <summary>One line in <c>audit.log</c>: when, which way, and the whole message, so it can be recreated.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Direction, Message Message)
{
    public const string Out = "out";
    public const string In = "in";
}

/// <summary>
/// Appends every message a node publishes or handles to <c>&lt;data&gt;/audit.log</c> as JSON lines. The database is the
/// durable record; this file is for people and tools, written by one writer in batches off the hot path.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    // Bounded so a stuck disk cannot grow memory without end; Wait makes callers slow down rather than lose lines.
    private readonly Channel<AuditEntry> _entries = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Task _writer;

    public AuditLog(string dataFolder, TimeProvider time)
    {
        _path = Path.Combine(dataFolder, "audit.log");
        _time = time;
        _writer = Task.Run(WriteAllAsync);
    }

    public ValueTask AppendAsync(string direction, Message message) =>
        _entries.Writer.WriteAsync(new AuditEntry(_time.GetUtcNow(), direction, message));

    private async Task WriteAllAsync()
    {
        var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await using (file.ConfigureAwait(false))
        {
            while (await _entries.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_entries.Reader.TryRead(out var entry))
                {
                    await file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(entry, StewardJson.Default.AuditEntry)).ConfigureAwait(false);
                    file.WriteByte((byte)'\n');
                }
                await file.FlushAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _entries.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}
