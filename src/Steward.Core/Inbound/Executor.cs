using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Outbound;
using Steward.Core.Relay;
using Steward.Core.State;
using Steward.Core.Telemetry;

namespace Steward.Core.Inbound;

/// <summary>
/// Runs a received message's method under its <c>methodTimeout</c> (and its <c>schedule</c>) and sends the result back
/// as replies. A reply to one of this node's own messages is also recorded against that message, so the operator sees it.
/// </summary>
internal sealed partial class Executor(
    string nodeName, HandlerRegistry handlers, NodeStore store, Outbox outbox, CancellationRegistry<(string, long)> runningMethods, TimeProvider time,
    ILogger logger)
{
    /// <summary>How long a command left from before a restart gets to exit on SIGTERM before it is killed.</summary>
    private static readonly TimeSpan SurvivorGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Resumes a message that had not finished when the node went down: first stops what is left of the command it had
    /// started (after a crash it may still run, in a process group of its own), so two runs never overlap; then runs it
    /// again, unless its sender said <c>rerunOnRestart: false</c>.
    /// </summary>
    public async Task ResumeAsync(Message message, ProcessGroup? started, CancellationToken stopping)
    {
        if (started is not null)
        {
            var stopped = await started.StopAsync(SurvivorGrace, time, stopping).ConfigureAwait(false);
            if (stopped != ProcessGroup.Stopped.WasNotRunning)
                Log.SurvivorStopped(logger, message.Id, message.FromNode!, nodeName, message.Method!, started.Id, stopped);
        }
        // Only a command that started may have had its effect: one whose start was never recorded is run, whatever it says.
        if (message is { RerunOnRestart: false, IsReply: false } && started is not null) await EndInterruptedAsync(message).ConfigureAwait(false);
        else await RunAsync(message, await AnsweredAsync(message, stopping).ConfigureAwait(false), stopping, await FirstReplyAsync(message, stopping).ConfigureAwait(false),
                resumed: true)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Where the replies of a resumed message go on: a streaming one may have sent some before the restart, whose places
    /// its sender would refuse as replays; any other sends its one reply (or its parts) in the commit that finishes it.
    /// </summary>
    private async Task<int> FirstReplyAsync(Message message, CancellationToken ct) =>
        !message.IsReply && Replies.Streams(message) ? await store.Reads.NextReplySeqAsync(message, ct).ConfigureAwait(false) : 0;

    /// <summary>Ends a message that may not run again as a method that failed: an error report and a last reply without an exit code.</summary>
    private async Task EndInterruptedAsync(Message message)
    {
        var error = $"interrupted by a restart of node {nodeName}; not run again because rerunOnRestart is false";
        Log.MethodError(logger, message.Id, message.FromNode!, nodeName, message.Method!, error);
        await outbox.ReportAsync($"{message.Method}: {error}", message).ConfigureAwait(false);
        await new ReplyStream(outbox, message).FinishAsync(new HandlerResult(null, Error: error), [], reply: null, CancellationToken.None).ConfigureAwait(false);
    }

    /// <param name="answered">For a reply, the message of this node it answers (the arrival check read it).</param>
    /// <param name="firstSeq">The first <c>replySeq</c> of its replies: after those it sent before a restart.</param>
    /// <param name="resumed">Whether it runs again after a restart of this node.</param>
    public async Task RunAsync(Message message, AnsweredMessage? answered, CancellationToken stopping, int firstSeq = 0, bool resumed = false)
    {
        // The span of the run and of storing its replies, which are sent as its children: the trace goes on to the sender.
        using var span = StewardTracing.StartHandle(message, nodeName, resumed);
        using var run = runningMethods.Register(message.AskedBy(), message, stopping);
        var replies = new ReplyStream(outbox, message, firstSeq);
        var result = message.Schedule is [var every, var total] && !message.IsReply
            ? await RunScheduledAsync(message, TimeSpan.FromSeconds(every), TimeSpan.FromSeconds(total), replies, run.Token).ConfigureAwait(false)
            : await RunOnceAsync(message, replies, run.Token).ConfigureAwait(false);
        stopping.ThrowIfCancellationRequested();   // the node stops: the row stays unfinished and runs again on restart
        span?.SetTag("steward.exit_code", result.ExitCode);
        if (result.Error is not null) StewardTracing.Fail(span, result.Error);
        if (run.Token.IsCancellationRequested)
        {
            Log.Cancelled(logger, message.Id, message.FromNode!, nodeName, message.Method!);
            await store.FinishInboundAsync(message, stopping).ConfigureAwait(false);
            return;
        }
        var copies = answered is null ? [] : RelayPolicy.CopyBack(answered.Sent, message);
        var recorded = answered is null ? null : new RecordedReply(answered.Id, message.FromNode!,
            message.Data is null ? null : Encoding.UTF8.GetString(message.Data), message.ExitCode, message.ReplyLast);
        await replies.FinishAsync(result, copies, recorded, stopping).ConfigureAwait(false);
        Log.Finished(logger, message.Id, message.FromNode!, nodeName, message.Method!);
    }

    /// <summary>
    /// For a reply resumed after a restart, the message of this node it answers; only the node it went to may answer it.
    /// </summary>
    private async Task<AnsweredMessage?> AnsweredAsync(Message message, CancellationToken ct)
    {
        if (!message.IsReply || message.PreviousMessage is not { } request || request.FromNode != nodeName) return null;
        var row = await store.Reads.FindOutboundAsync(request.Id, ct).ConfigureAwait(false);
        if (row is not null && row.ToNode == message.FromNode) return new AnsweredMessage(row.Id, JsonSerializer.Deserialize(row.Json, StewardJson.Default.Message)!);
        Log.ForeignReply(logger, message.Id, message.FromNode!, nodeName, request.Id);
        return null;
    }

    /// <summary>Reruns the method every <paramref name="every"/> for <paramref name="total"/>; each run but the last replies at once.</summary>
    private async Task<HandlerResult> RunScheduledAsync(Message message, TimeSpan every, TimeSpan total, ReplyStream replies, CancellationToken ct)
    {
        var end = time.GetUtcNow() + total;
        while (true)
        {
            var started = time.GetUtcNow();
            var result = await RunOnceAsync(message, replies, ct).ConfigureAwait(false);
            if (ct.IsCancellationRequested || started + every >= end) return result;
            await replies.SendAsync(result).ConfigureAwait(false);
            await Task.Delay(started + every - time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero, time, ct)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<HandlerResult> RunOnceAsync(Message message, ReplyStream replies, CancellationToken cancelled)
    {
        var result = await HandleAsync(message, replies, cancelled).ConfigureAwait(false);
        if (result.Error is not null && !cancelled.IsCancellationRequested)
        {
            Log.MethodError(logger, message.Id, message.FromNode!, nodeName, message.Method!, result.Error);
            var concerning = message.IsReply && message.PreviousMessage is { } request ? request : message;
            await outbox.ReportAsync($"{message.Method}: {result.Error}", concerning).ConfigureAwait(false);
        }
        return result;
    }

    private async Task<HandlerResult> HandleAsync(Message message, ReplyStream replies, CancellationToken cancelled)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancelled);
        timeout.CancelAfter(MessageLimits.Timeout(message.MethodTimeout));
        var handler = handlers.Find(message.Method!)!;
        try
        {
            return handler is IStreamingHandler streaming
                ? await streaming.StreamAsync(message, replies.SendAsync, timeout.Token).ConfigureAwait(false)
                : await handler.HandleAsync(message, timeout.Token).ConfigureAwait(false);
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

        [LoggerMessage(5005, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode} claims to answer message {AnsweredId}, which was not sent to {FromNode}; not recorded as its reply")]
        public static partial void ForeignReply(ILogger logger, long messageId, string fromNode, string toNode, long answeredId);

        [LoggerMessage(5006, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode} {Method}: its command from before the restart still ran (process group {Group}): {Outcome}")]
        public static partial void SurvivorStopped(ILogger logger, long messageId, string fromNode, string toNode, string method, int group, ProcessGroup.Stopped outcome);

        [LoggerMessage(5004, LogLevel.Information, "Message {MessageId} {FromNode}->{ToNode} {Method} cancelled by its sender")]
        public static partial void Cancelled(ILogger logger, long messageId, string fromNode, string toNode, string method);
    }
}
