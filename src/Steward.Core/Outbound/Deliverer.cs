using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Polly;
using Polly.Retry;
using Steward.Core.Messages;
using Steward.Core.Telemetry;
using Steward.Core.Trust;

namespace Steward.Core.Outbound;

/// <summary>
/// Sends one stored outbound message: publish, wait for the receiver's signed ACK within <c>ACKTimeout</c>, and resend
/// up to <c>retries</c> times. Says how it ended; the <see cref="Outbox"/> records it.
/// </summary>
internal sealed partial class Deliverer(INatsConnection nats, MessageSigner signer, KeyRing keys, TimeProvider time, ILogger logger)
{
    private const int MaxDelaySeconds = 24 * 3600;
    private readonly ConcurrentDictionary<(int Resends, int RetryWait, int AckTimeout), ResiliencePipeline> _pipelines = new();

    /// <summary>
    /// Delivers <paramref name="outgoing"/>; <paramref name="attempting"/> is told the number of each attempt before it is
    /// made, <paramref name="unanswered"/> each time an attempt got no trusted answer.
    /// </summary>
    public async Task<DeliveryOutcome> DeliverAsync(Outgoing outgoing, Action<int> attempting, Action unanswered, CancellationToken ct)
    {
        var message = outgoing.Message;
        // The message goes out as a child of its delivery's span: the receiver's handling joins the trace there.
        using var span = StewardTracing.StartPublish(message, message.FromNode!);
        if (span is not null) message = message with { TraceParent = span.Id };
        var outcome = await DeliverAsync(message, outgoing.AttemptsSoFar, attempting, unanswered, ct).ConfigureAwait(false);
        span?.SetTag("steward.delivery", outcome.How.ToString().ToLowerInvariant()).SetTag("steward.attempts", outcome.Attempts);
        if (outcome.How is Delivered.Rejected or Delivered.Failed) StewardTracing.Fail(span, outcome.Error ?? outcome.How.ToString());
        return outcome;
    }

    private async Task<DeliveryOutcome> DeliverAsync(Message message, int attemptsSoFar, Action<int> attempting, Action unanswered, CancellationToken ct)
    {
        try
        {
            if (Methods.IsAcknowledged(message.Method!)) return await SendAcknowledgedAsync(message, attemptsSoFar, attempting, unanswered, ct).ConfigureAwait(false);
            await nats.PublishAsync(Subjects.For(message.ToNode!, message.Method!), Encode(message), cancellationToken: ct).ConfigureAwait(false);
            return new(Delivered.Published, 1);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Log.Cancelled(logger, message.Id, message.FromNode!, message.ToNode!, message.Method!);
            return new(Delivered.Cancelled, attemptsSoFar);
        }
    }

    private async Task<DeliveryOutcome> SendAcknowledgedAsync(
        Message message, int attemptsSoFar, Action<int> attempting, Action unanswered, CancellationToken ct)
    {
        var subject = Subjects.For(message.ToNode!, message.Method!);
        var payload = Encode(message);
        var attempt = attemptsSoFar;
        try
        {
            var answer = await Retries(message, attemptsSoFar).ExecuteAsync(async token =>
            {
                attempting(++attempt);
                try
                {
                    var reply = await nats.RequestAsync<byte[], byte[]>(subject, payload,
                        replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(message.AckTimeout) }, cancellationToken: token).ConfigureAwait(false);
                    return TrustedAnswer(message, reply.Data ?? []);
                }
                catch (Exception e) when (IsUnanswered(e))
                {
                    unanswered();
                    throw;
                }
            }, ct).ConfigureAwait(false);

            if (answer.Accepted)
            {
                Log.Acked(logger, message.Id, message.FromNode!, message.ToNode!, message.Method!, attempt);
                return new(Delivered.Acked, attempt);
            }
            Log.Rejected(logger, message.Id, message.FromNode!, message.ToNode!, message.Method!, answer.Reason ?? "");
            return new(Delivered.Rejected, attempt, answer.Reason ?? "");
        }
        catch (NatsException e) when (IsUnanswered(e))
        {
            return Failed(message, attempt, MaxRetriesReached(message));
        }
        catch (UntrustedAnswerException e)
        {
            return Failed(message, attempt, $"toNode: {message.ToNode}, fromNode: {message.FromNode}, method: {message.Method}: {e.Message}");
        }
        catch (NatsException e)
        {
            // Never retried: a payload over the broker's max_payload. (An answer that is not an ACK is an untrusted one.)
            return Failed(message, attempt, $"toNode: {message.ToNode}, fromNode: {message.FromNode}, method: {message.Method}: {e.Message}");
        }
    }

    /// <summary>
    /// An attempt that got no trusted answer, and is made again: the receiver was silent or absent, or the answer was not
    /// its own, or the publish itself gave up after the NATS client's command timeout (a connection too busy or stalled
    /// to take it in time: the fleet simulator met it at 5,000 nodes), which says nothing about the message.
    /// </summary>
    private static bool IsUnanswered(Exception e) =>
        e is NatsNoReplyException or NatsNoRespondersException or NatsTimeoutException or UntrustedAnswerException;

    private DeliveryOutcome Failed(Message message, int attempts, string error)
    {
        Log.Failed(logger, message.Id, message.FromNode!, message.ToNode!, message.Method!, attempts, error);
        return new(Delivered.Failed, attempts, error);
    }

    private byte[] Encode(Message message) => signer.Encode(message);

    /// <summary>
    /// The receiver's answer, when it is signed by the receiver's key and answers this message; anything else is treated
    /// as no answer (retried), so a forged ACK can neither end a delivery nor make it look done.
    /// </summary>
    private AckReply TrustedAnswer(Message message, byte[] payload)
    {
        var answer = keys.IsSignedBy(message.ToNode!, payload) ? ReadAnswer(payload) : null;
        if (answer is null || !answer.Answers(message))
        {
            Log.Untrusted(logger, message.Id, message.FromNode!, message.ToNode!, message.Method!);
            throw new UntrustedAnswerException($"the answer was not signed by {message.ToNode}'s enrolled key for this message");
        }
        return answer;
    }

    private static AckReply? ReadAnswer(byte[] payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, StewardJson.Default.AckReply);
        }
        catch (JsonException)
        {
            return null;   // signed by the right node, but not an answer: treated like any untrusted answer
        }
    }

    /// <summary>The original's words, so operators' existing alerts keep matching.</summary>
    public static string MaxRetriesReached(Message m) =>
        $"toNode: {m.ToNode}, fromNode: {m.FromNode}, method: {m.Method}: max retries reached, check if node is up and running and if it got a subscriber for the given REQ type";

    /// <summary>
    /// A Polly pipeline from the message's own limits. After a restart, only the attempts left are made (at least one).
    /// Backoff grows the wait with jitter, so a fleet coming back is not hit at once, but never beyond ACKTimeout × 4
    /// (and never beyond Polly's limit of one day).
    /// </summary>
    private ResiliencePipeline Retries(Message message, int attemptsSoFar)
    {
        var resendsLeft = Math.Max(0, message.Retries - attemptsSoFar);
        if (resendsLeft == 0) return ResiliencePipeline.Empty;
        // Pipelines are immutable and most messages share their limits, so one is built per distinct set of limits.
        return _pipelines.GetOrAdd((resendsLeft, message.RetryWait, message.AckTimeout), limits =>
            new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsUnanswered),
                MaxRetryAttempts = limits.Resends,
                Delay = TimeSpan.FromSeconds(Math.Min(limits.RetryWait, MaxDelaySeconds)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxDelay = TimeSpan.FromSeconds(MessageValidator.BackoffCapSeconds(limits.AckTimeout, limits.RetryWait)),
            }).Build());
    }

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Information, "Message {MessageId} {FromNode}->{ToNode} {Method} acked after {Attempts} attempt(s)")]
        public static partial void Acked(ILogger logger, long messageId, string fromNode, string toNode, string method, int attempts);

        [LoggerMessage(2002, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode} {Method} rejected by the receiver: {Reason}")]
        public static partial void Rejected(ILogger logger, long messageId, string fromNode, string toNode, string method, string reason);

        [LoggerMessage(2003, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode} {Method} failed after {Attempts} attempt(s): {Error}")]
        public static partial void Failed(ILogger logger, long messageId, string fromNode, string toNode, string method, int attempts, string error);

        [LoggerMessage(2005, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode} {Method}: an answer not signed by {ToNode} was ignored")]
        public static partial void Untrusted(ILogger logger, long messageId, string fromNode, string toNode, string method);

        [LoggerMessage(2004, LogLevel.Information, "Message {MessageId} {FromNode}->{ToNode} {Method}: delivery cancelled")]
        public static partial void Cancelled(ILogger logger, long messageId, string fromNode, string toNode, string method);
    }
}
