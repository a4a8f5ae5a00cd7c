using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.Core.Outbound;
using Steward.Core.Telemetry;
using Steward.Core.Trust;

namespace Steward.Core.Inbound;

/// <summary>
/// The receiving end of the wire: decode, verify the sender's signature and rules, validate, remember
/// <c>(fromNode, id)</c> in the node's file, and only then ACK. A message this node will never run is answered with a
/// rejection, so the sender stops at once; one it does not trust is also reported to central's error log.
/// </summary>
internal sealed partial class Receiver(
    string nodeName, HandlerRegistry handlers, NodeStore store, AuditLog audit, ArrivalCheck trust, MessageSigner signer, Outbox outbox, StewardMetrics metrics,
    ILogger logger)
{
    /// <summary>
    /// Takes in one message from the wire; gives it back when it is to run now (new, stored and ACKed), with the message
    /// of this node it answers when it is a reply; else null.
    /// </summary>
    public async Task<(Message Message, AnsweredMessage? Answered)?> ReceiveAsync(NatsMsg<byte[]> msg, CancellationToken ct)
    {
        Message message;
        try
        {
            message = JsonSerializer.Deserialize(msg.Data ?? [], StewardJson.Default.Message)
                      ?? throw new JsonException("the message is null");
        }
        catch (JsonException e)
        {
            metrics.Rejected(Refusals.Invalid);
            await AnswerAsync(msg, AckReply.Reject(nodeName, null, $"invalid JSON at {e.Path ?? "$"}: {e.Message}"), ct).ConfigureAwait(false);
            return null;
        }

        var (untrusted, answered, answersForward) = await trust.CheckAsync(message, msg.Data!, ct).ConfigureAwait(false);
        if (untrusted is not null)
        {
            Log.Untrusted(logger, message.Id, message.FromNode ?? "?", nodeName, message.Method ?? "?", untrusted);
            metrics.Rejected(Refusals.Untrusted);
            await AnswerAsync(msg, AckReply.Reject(nodeName, message, untrusted), ct).ConfigureAwait(false);
            // A refused hello comes again every interval; its key waits in GET /nodes instead of filling the error log.
            if (message.Method != Methods.Hello)
                await outbox.ReportAsync($"refused message {message.Id} from {message.FromNode ?? "?"} ({message.Method ?? "?"}): {untrusted}", null)
                    .ConfigureAwait(false);
            return null;
        }

        if (Refusal(message) is var (reason, kind))
        {
            Log.Refused(logger, message.Id, message.FromNode ?? "?", nodeName, message.Method ?? "?", reason);
            metrics.Rejected(kind);
            await AnswerAsync(msg, AckReply.Reject(nodeName, message, reason), ct).ConfigureAwait(false);
            return null;
        }

        // Published once and never resent: nothing to remember against a duplicate.
        if (!Methods.IsAcknowledged(message.Method!)) return (message, answered);
        // The far node's signed reply goes on with the copy for the origin (RelayPolicy.CopyBack), which checks it.
        if (answersForward) message = message with { Origin = msg.Data };
        var arrival = await StoreAsync(message, ct).ConfigureAwait(false);
        if (arrival == Arrival.Replayed)
        {
            var replay = message.IsReply
                ? $"reply {message.ReplySeq} to message {message.PreviousMessage?.Id} already arrived: a replay is refused"
                : "the origin of this relayed message already arrived in another forward: a replay is refused";
            Log.Untrusted(logger, message.Id, message.FromNode!, nodeName, message.Method!, replay);
            metrics.Rejected(Refusals.Replay);
            await AnswerAsync(msg, AckReply.Reject(nodeName, message, replay), ct).ConfigureAwait(false);
            return null;
        }
        await AnswerAsync(msg, AckReply.Ack(nodeName, message), ct).ConfigureAwait(false);
        if (arrival == Arrival.New)
        {
            Log.Received(logger, message.Id, message.FromNode!, nodeName, message.Method!);
            await audit.AppendAsync(AuditEntry.In, message, ct: ct).ConfigureAwait(false);
            return (message, answered);
        }
        Log.Duplicate(logger, message.Id, message.FromNode!, nodeName, message.Method!);
        return null;
    }

    /// <summary>
    /// Stores the message; a relayed one with a mark of its origin, a reply with a mark of its place in the replies to its
    /// request, so the same origin or the same reply under another id is caught.
    /// </summary>
    private async Task<Arrival> StoreAsync(Message message, CancellationToken ct)
    {
        if (message is { IsReply: true, PreviousMessage: { } request })
            return await store.AddMarkedAsync(message, $"{message.FromNode} replies to {request.Id}", message.ReplySeq, ct).ConfigureAwait(false);
        if (message.Origin is not null && message.AskedBy() is var (origin, originId))
            return await store.AddMarkedAsync(message, origin, originId, ct).ConfigureAwait(false);
        return await store.AddInboundAsync(message, ct).ConfigureAwait(false) ? Arrival.New : Arrival.Duplicate;
    }

    /// <summary>Why <paramref name="message"/> will not run here, with the reason's kind (<see cref="Refusals"/>); null when it may.</summary>
    private (string Reason, string Kind)? Refusal(Message message)
    {
        var errors = MessageValidator.ValidateReceived(message);
        if (errors.Count > 0) return ("invalid message: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")), Refusals.Invalid);
        if (message.ToNode != nodeName) return ($"message for '{message.ToNode}' arrived at node '{nodeName}'", Refusals.Refused);
        return (handlers.Unavailable(message.Method!, nodeName) ?? handlers.Find(message.Method!)!.Refusal(message)) is { } reason ? (reason, Refusals.Refused) : null;
    }

    /// <summary>
    /// Sends the answer. One the connection cannot take in time (the NATS client's command timeout: a connection too busy
    /// or stalled) is left unsent, with a warning: the sender resends, and its resend is answered. It must not end this
    /// task, or a message stored before its ACK would never run, and every resend would be ACKed as a duplicate.
    /// </summary>
    private async Task AnswerAsync(NatsMsg<byte[]> msg, AckReply answer, CancellationToken ct)
    {
        if (msg.ReplyTo is null) return;
        try
        {
            await msg.ReplyAsync(signer.Encode(answer), cancellationToken: ct).ConfigureAwait(false);
        }
        catch (NatsTimeoutException)
        {
            Log.AnswerNotSent(logger, answer.Id, answer.FromNode ?? "?", nodeName, answer.Accepted ? "ACK" : "rejection");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4001, LogLevel.Information, "Message {MessageId} {FromNode}->{ToNode} {Method} received and stored")]
        public static partial void Received(ILogger logger, long messageId, string fromNode, string toNode, string method);

        [LoggerMessage(4002, LogLevel.Information, "Message {MessageId} {FromNode}->{ToNode} {Method} received again: ACKed, not run twice")]
        public static partial void Duplicate(ILogger logger, long messageId, string fromNode, string toNode, string method);

        [LoggerMessage(4004, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode} {Method} not trusted, refused: {Reason}")]
        public static partial void Untrusted(ILogger logger, long messageId, string fromNode, string toNode, string method, string reason);

        [LoggerMessage(4005, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode}: the broker connection did not take its {Answer} in time; the sender resends it and is answered then")]
        public static partial void AnswerNotSent(ILogger logger, long messageId, string fromNode, string toNode, string answer);

        [LoggerMessage(4003, LogLevel.Warning, "Message {MessageId} {FromNode}->{ToNode} {Method} refused: {Reason}")]
        public static partial void Refused(ILogger logger, long messageId, string fromNode, string toNode, string method, string reason);
    }
}
