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
internal sealed partial class Executor(
    string nodeName, HandlerRegistry handlers, NodeStore store, MessageIntake intake, ErrorReporter errors,
    CancellationRegistry<(string, long)> runningMethods, ILogger logger)
{
    public async Task RunAsync(Message message, CancellationToken stopping)
    {
        var answers = message.IsReply && message.PreviousMessage is { } request && request.FromNode == nodeName ? request : null;
        if (answers is not null)
        {
            await store.AddEventAsync(answers.Id, EventKinds.Reply, message.FromNode!, message.Data is null ? null : System.Text.Encoding.UTF8.GetString(message.Data), message.ExitCode).ConfigureAwait(false);
            await store.SetStateAsync(answers.Id, MessageStates.Replied).ConfigureAwait(false);
        }

        using var run = runningMethods.Register((message.FromNode!, message.Id), stopping);
        var result = await HandleAsync(message, run.Token).ConfigureAwait(false);
        stopping.ThrowIfCancellationRequested();   // the node stops: the row stays unfinished and runs again on restart
        if (run.Token.IsCancellationRequested)
        {
            Log.Cancelled(logger, message.Id, message.FromNode!, nodeName, message.Method!);
            await store.FinishInboundAsync(message).ConfigureAwait(false);
            return;
        }
        if (result.Error is not null)
        {
            Log.MethodError(logger, message.Id, message.FromNode!, nodeName, message.Method!, result.Error);
            await errors.ReportAsync($"{message.Method}: {result.Error}", answers ?? message).ConfigureAwait(false);
        }
        await intake.AcceptAsync(Replies.Wanted(message) ? [Replies.For(message, result)] : [], finishing: message).ConfigureAwait(false);
        if (answers is not null && message.ReplyLast) await store.SetStateAsync(answers.Id, MessageStates.Done).ConfigureAwait(false);
        Log.Finished(logger, message.Id, message.FromNode!, nodeName, message.Method!);
    }

    private async Task<HandlerResult> HandleAsync(Message message, CancellationToken cancelled)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancelled);
        timeout.CancelAfter(MessageLimits.Timeout(message.MethodTimeout));
        try
        {
            return await handlers.Find(message.Method!)!.HandleAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (MessageRejectedException e)
        {
            return new HandlerResult(null, Error: e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new HandlerResult(null, Error: $"method timed out after {message.MethodTimeout}s");
        }
#pragma warning disable CA1031 // supervision boundary: a crashing handler fails only its own message
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.HandlerCrashed(logger, e, message.Id, message.FromNode!, nodeName, message.Method!);
            return new HandlerResult(null, Error: $"handler crashed: {e.GetType().Name}: {e.Message}");
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

        [LoggerMessage(5004, LogLevel.Information, "Message {MessageId} {FromNode}->{ToNode} {Method} cancelled by its sender")]
        public static partial void Cancelled(ILogger logger, long messageId, string fromNode, string toNode, string method);
    }
}
