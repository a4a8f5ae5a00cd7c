using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Delivery;

/// <summary>The replies to one request, numbered in order; the last one is sent together with finishing the request.</summary>
internal sealed class ReplyStream(MessageIntake intake, Message request)
{
    private int _next;

    public async Task SendAsync(HandlerResult part)
    {
        if (Replies.Wanted(request)) await intake.AcceptAsync(Replies.For(request, part, _next++, last: false)).ConfigureAwait(false);
    }

    /// <summary>Sends the last reply, and what the method sends on, and marks the request done, all in one commit.</summary>
    public Task FinishAsync(HandlerResult result, IEnumerable<Message> alsoSend) =>
        intake.AcceptAsync(
            (Replies.Wanted(request) ? [Replies.For(request, result, _next++, last: true)] : Enumerable.Empty<Message>())
                .Concat(result.Send ?? []).Concat(alsoSend),
            finishing: request);
}
