using System.Text.Json;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Outbound;

namespace Steward.Core.Inbound;

/// <summary>
/// The replies to one request, numbered in order; the last one is sent together with finishing the request. A reply
/// larger than the broker takes in one message (<c>max_payload</c>) goes in parts (<c>replySeq</c>, the last with
/// <c>replyLast</c>), which the reply method joins: appended in order, as every reply stream is. A stream resumed after a
/// restart goes on from <paramref name="firstSeq"/>, after the replies it sent before: the sender takes each place once.
/// </summary>
internal sealed class ReplyStream(Outbox outbox, Message request, int firstSeq = 0)
{
    private const int MinPartBytes = 1024;

    /// <summary>One reply's data: a whole result (<c>Number</c> null) or a numbered part of one.</summary>
    internal sealed record Part(byte[]? Data, int? Number, int? ExitCode = null);
    private int _next = firstSeq;

    public async Task SendAsync(HandlerResult part)
    {
        if (!Replies.Wanted(request)) return;
        foreach (var piece in Split(part)) await outbox.AcceptAsync(Replies.For(request, piece, _next++, last: false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the last reply and what the method sends on, records <paramref name="reply"/> when the request is itself a
    /// reply to one of this node's messages, and marks the request done: all in one commit (a last reply too large for
    /// one message sends its first parts before).
    /// </summary>
    public async Task FinishAsync(HandlerResult result, IEnumerable<Message> alsoSend, RecordedReply? reply, CancellationToken ct)
    {
        List<Message> last = [];
        if (Replies.Wanted(request))
        {
            var pieces = Split(result);
            foreach (var piece in pieces[..^1]) await outbox.AcceptAsync(Replies.For(request, piece, _next++, last: false)).ConfigureAwait(false);
            last.Add(Replies.For(request, pieces[^1], _next++, last: true));
        }
        await outbox.FinishAsync(request, last.Concat(result.Send ?? []).Concat(alsoSend), reply, ct).ConfigureAwait(false);
    }

    /// <summary>The result in parts that each fit in one message: the data base64-encoded beside the request's summary.</summary>
    private List<Part> Split(HandlerResult result)
    {
        var envelope = 2 * JsonSerializer.SerializeToUtf8Bytes(request.Summary(), StewardJson.Default.Message).Length + 8192;
        var partBytes = Math.Max(MinPartBytes, (int)((outbox.MaxPayload - envelope) * 3 / 4));
        if (result.Data is not { } data || data.Length <= partBytes || !Replies.JoinsParts(Replies.MethodFor(request)))
            return [new Part(result.Data, null, result.ExitCode)];
        var parts = data.Chunk(partBytes).Select((chunk, i) => new Part(chunk, i)).ToList();
        return [.. parts.SkipLast(1), parts[^1] with { ExitCode = result.ExitCode }];   // the exit code goes with the last part
    }
}
