using Microsoft.Extensions.Logging;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Core.Delivery;

/// <summary>
/// Runs a received message's method under its <c>methodTimeout</c> and sends the result back as a reply. A reply to one
/// of this node's own messages is also recorded against that message, so the operator sees it.
/// </summary>
internal sealed partial class Executor(string nodeName, HandlerRegistry handlers, NodeStore store, MessageIntake intake, ILogger logger)
{
    public async Task RunAsync(Message message, CancellationToken stopping)
    {
        var answers = message.IsReply && message.PreviousMessage is { } request && request.FromNode == nodeName ? request : null;
        if (answers is not null)
        {
            await store.AddReplyAsync(answers.Id, message).ConfigureAwait(false);
            await store.SetStateAsync(answers.Id, MessageStates.Replied).ConfigureAwait(false);
        }

        var result = await HandleAsync(message, stopping).ConfigureAwait(false);
        if (result.Error is not null) Log.MethodError(logger, message.Id, message.FromNode!, nodeName, message.Method!, result.Error);
        if (Replies.Wanted(message)) await intake.AcceptAsync(Replies.For(message, result)).ConfigureAwait(false);
        if (answers is not null && message.ReplyLast) await store.SetStateAsync(answers.Id, MessageStates.Done).ConfigureAwait(false);
        await store.FinishInboundAsync(message).ConfigureAwait(false);
        Log.Finished(logger, message.Id, message.FromNode!, nodeName, message.Method!);
    }

    private async Task<HandlerResult> HandleAsync(Message message, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(MessageLimits.Timeout(message.MethodTimeout));
        try
        {
            return await handlers.Find(message.Method!)!.HandleAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (MessageRejectedException e)
        {
            return new HandlerResult(null, Error: e.Message);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return new HandlerResult(null, Error: $"method timed out after {message.MethodTimeout}s");
        }
#pragma warning disable CA1031 // supervision boundary: a crashing handler fails only its own message
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.HandlerCrashed(logger, e, message.Id, message.FromNode!, nodeName, message.Method!);
            return new HandlerResult(null, Error: $"{message.Method} failed: {e.Message}");
        }
#pragma warning restore CA1031
    }

    private static partial class Log
    {
        [LoggerMessage(5001, LogLevel.Information, "Message {MessageId} {FromNode}->{ToNode} {Method} finished")]
        public static partial void Finished(ILogger logger, long messageId, string fromNode, string toNode, string method);

        [LoggerMessage(5002, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode} {Method} error: {Error}")]
        public static partial void MethodError(ILogger logger, long messageId, string fromNode, string toNode, string method, string error);

        [LoggerMessage(5003, LogLevel.Error, "Message {MessageId} {FromNode}->{ToNode} {Method}: handler crashed")]
        public static partial void HandlerCrashed(ILogger logger, Exception ex, long messageId, string fromNode, string toNode, string method);
    }
}
