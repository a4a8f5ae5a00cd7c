using System.Text;

namespace Steward.Gateway.Tests.Contract;

/// <summary>
/// A read-only stream that passes an SSE body through unchanged and reports each complete event (its <c>event</c>,
/// <c>data</c> and <c>id</c> fields, as the SSE format defines them) as the reader reaches its end.
/// </summary>
internal sealed class ServerSentEventTap(Stream inner, Action<string, string, string?> onEvent) : Stream
{
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _line = new();
    private readonly StringBuilder _data = new();
    private string _event = "message";
    private string? _id;
    private bool _hasData;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Tap(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Tap(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Tap(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[_utf8.GetCharCount(bytes, flush: false)];
        _utf8.GetChars(bytes, chars, flush: false);
        foreach (var c in chars)
        {
            if (c == '\r') continue;
            if (c != '\n')
            {
                _line.Append(c);
                continue;
            }
            Field(_line.ToString());
            _line.Clear();
        }
        return bytes.Length;
    }

    private void Field(string line)
    {
        if (line.Length == 0)
        {
            if (_hasData) onEvent(_event, _data.ToString(), _id);
            (_event, _hasData) = ("message", false);
            _data.Clear();
            return;
        }
        if (line.StartsWith(':')) return;   // a comment: the heartbeat
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var (name, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..]);
        if (value.StartsWith(' ')) value = value[1..];   // one space after the colon is not part of the value
        switch (name)
        {
            case "event":
                _event = value;
                break;
            case "data":
                _data.Append(_hasData ? "\n" : "").Append(value);
                _hasData = true;
                break;
            case "id":
                _id = value;
                break;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
