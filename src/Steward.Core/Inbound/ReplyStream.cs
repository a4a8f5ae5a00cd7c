using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Outbound;

namespace Steward.Core.Inbound;

/// <summary>The replies to one request, numbered in order; the last one is sent together with finishing the request.</summary>
internal sealed class ReplyStream(Outbox outbox, Message request)
{
    private int _next;

    public async Task SendAsync(HandlerResult part)
    {
        if (Replies.Wanted(request)) await outbox.AcceptAsync(Replies.For(request, part, _next++, last: false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the last reply and what the method sends on, records <paramref name="reply"/> when the request is itself a
    /// reply to one of this node's messages, and marks the request done: all in one commit.
    /// </summary>
    public Task FinishAsync(HandlerResult result, IEnumerable<Message> alsoSend, RecordedReply? reply, CancellationToken ct) =>
        outbox.FinishAsync(request,
            (Replies.Wanted(request) ? [Replies.For(request, result, _next++, last: true)] : Enumerable.Empty<Message>())
                .Concat(result.Send ?? []).Concat(alsoSend),
            reply, ct);
}
