using System.Text.Json;
using Steward.Core.Inbound;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Relay;
using Steward.Core.State;

namespace Steward.Core.Trust;

/// <summary>
/// Decides, before anything is stored or ACKed, whether a message that arrived over the wire comes from whom it says:
/// signed by the key enrolled for its <c>fromNode</c>, not older than the dedup memory, and allowed by this node's rules
/// (for a relayed message, the origin's signature and rules; for a reply, that it answers a message this node sent to
/// that node and asks for the reply method that message named).
/// </summary>
internal sealed class ArrivalCheck(
    string nodeName, string centralNode, KeyRing keys, MethodRules rules, TimeSpan window, TimeProvider time, NodeReads queries,
    Func<long, bool> maybeSent, Func<Task> writesSoFarCommitted)
{
    /// <summary>
    /// Why <paramref name="message"/> (received as <paramref name="payload"/>) is refused (null when it is trusted); for
    /// a reply, the message of this node it answers (read once here, for the check and for running the reply); and
    /// whether it is the far node's reply to a message this node forwarded as a relay: its signed bytes then travel on
    /// with the copy for the origin, which checks them.
    /// </summary>
    public async Task<Verdict> CheckAsync(Message message, byte[] payload, CancellationToken ct)
    {
        if (SignatureProblem(message, payload) is { } unsigned) return new(unsigned);
        if (message.Method is null) return new("method is required");   // the rules below match on it
        if (message.IsReply) return await ReplyProblemAsync(message, ct).ConfigureAwait(false);
        var sender = message.FromNode!;
        if (message.Origin is { } origin)
        {
            var (forged, originSender) = OriginProblem(message, origin);
            if (forged is not null) return new(forged);
            sender = originSender!;
        }
        if (message.Method == Methods.Relay && RelayedProblem(message) is { } badRelay) return new(badRelay);
        return new(RuleProblem(sender, message.Method));
    }

    /// <param name="Refusal">Why the message is refused; null when it is trusted.</param>
    /// <param name="Answered">For a trusted reply, the message of this node it answers.</param>
    /// <param name="AnswersForward">Whether it is the far node's reply to a message this node relayed.</param>
    public sealed record Verdict(string? Refusal, AnsweredMessage? Answered = null, bool AnswersForward = false);

    private string? SignatureProblem(Message message, byte[] payload)
    {
        if (message.FromNode is not { } from || !NodeName.IsValid(from)) return "fromNode is required and must be a node name";
        if (SignedJson.Split(payload) is not var (signed, signature)) return $"unsigned: a message from {from} must carry its signature";
        var key = keys.KeyOf(from);
        if (key is null || !keys.Verify(key, signed, signature))
        {
            if (message.Method == Methods.Hello && PresentedKey(message, signed, signature) is { } presented)
            {
                if (nodeName == centralNode) keys.AddPending(from, presented);
                return $"node {from} presents key {presented}, which is not enrolled here: an operator approves it with POST /nodes/{from}/approve";
            }
            return key is null
                ? $"unknown sender: node {from} has no enrolled key here"
                : $"bad signature: not signed with the key of {from}, or changed after it was signed";
        }
        if (message.CreatedAt <= 0) return "createdAt is missing";
        // In whole milliseconds, so no value of createdAt can overflow a date.
        var ageMs = time.GetUtcNow().ToUnixTimeMilliseconds() - message.CreatedAt;
        if (ageMs < -(long)MaxClockSkew.TotalMilliseconds)
            return $"created in the future: the clocks of {message.FromNode} and {nodeName} differ by more than {MaxClockSkew.TotalHours:0} hour; set them right (NTP)";
        return ageMs > (long)window.TotalMilliseconds
            ? $"stale: created {TimeSpan.FromMilliseconds(ageMs).TotalDays:0.#} days ago, beyond the {window.TotalDays:0.#}-day duplicate memory; a replay is refused"
            : null;
    }

    /// <summary>
    /// How far ahead a sender's clock may be. A message "from the future" would stay fresh for longer than the
    /// duplicate memory lasts, and could be replayed once that memory let it go.
    /// </summary>
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(1);

    /// <summary>The key a hello claims and is really signed with: an enrolment request.</summary>
    private static string? PresentedKey(Message hello, byte[] signed, byte[] signature) =>
        JsonData.Read(hello, StewardJson.Default.HelloInfo)?.PublicKey is { } key && NodeKey.IsValidPublicKey(key)
            && KeyRing.VerifyPresented(key, signed, signature)
            ? key : null;

    /// <summary>A relay node forwards the origin's signed message beside its own; it may route it, not change it.</summary>
    private (string? Problem, string? Sender) OriginProblem(Message forwarded, byte[] originBytes)
    {
        Message? origin;
        try
        {
            origin = JsonSerializer.Deserialize(originBytes, StewardJson.Default.Message);
        }
        catch (JsonException)
        {
            origin = null;
        }
        if (origin is null) return ("origin is not a message", null);
        if (SignatureProblem(origin, originBytes) is { } problem) return ($"origin: {problem}", null);
        if (origin.ToNode != nodeName || origin.RelayViaNode != forwarded.FromNode)
            return ($"origin: {origin.FromNode} sent it to {origin.ToNode} via {origin.RelayViaNode}, not to {nodeName} via {forwarded.FromNode}", null);
        return Content(origin).AsSpan().SequenceEqual(Content(forwarded))
            ? (null, origin.FromNode)
            : ("origin: the relayed message differs from what its origin signed", null);
    }

    /// <summary>
    /// What a relay may not change: everything but routing, the limits of its own hop, and the trace it forwards in (the
    /// relay's span; an older relay drops the field).
    /// </summary>
    private static byte[] Content(Message m) => JsonSerializer.SerializeToUtf8Bytes(m with
    {
        Id = 0, FromNode = null, ToNodes = null, ToHosts = null, RelayViaNode = null, PreviousMessage = null, Origin = null, Signature = null, TraceParent = null,
        CreatedAt = 0, AckTimeout = 0, Retries = 0, RetryWait = 0, ReplyACKTimeout = 0, ReplyRetries = 0,
    }, StewardJson.Default.Message);

    /// <summary>On the relay node: the message to forward must be signed by the node that asks for the relay.</summary>
    private string? RelayedProblem(Message relay)
    {
        if (RelayPolicy.Unwrap(relay) is not { } original) return null;   // the handler's refusal names what is missing
        if (original.FromNode != relay.FromNode || original.Id != relay.Id) return "the message to relay is not the relay sender's own";
        return SignatureProblem(original, relay.Data!) is { } problem ? $"the message to relay: {problem}" : null;
    }

    private async Task<Verdict> ReplyProblemAsync(Message reply, CancellationToken ct)
    {
        if (reply.PreviousMessage is not { FromNode: var origin, Id: var id } || origin != nodeName)
            return new($"a reply must answer a message of node {nodeName}");
        var row = await queries.FindOutboundAsync(id, ct).ConfigureAwait(false);
        // A quick ACK commits "sent" together with its outcome (Outbox.DeliverAsync), so a quick reply finds its message
        // still "queued": it was sent when its delivery runs now or it was resumed after a restart (Outbox.MaybeSent), or
        // else once the writes asked for so far are committed.
        var sending = row?.State == MessageStates.Queued && maybeSent(id);
        if (row?.State == MessageStates.Queued && !sending)
        {
            await writesSoFarCommitted().ConfigureAwait(false);
            row = await queries.FindOutboundAsync(id, ct).ConfigureAwait(false);
        }
        if (row is null) return new($"reply to message {id}, which node {nodeName} never sent");
        if (row.ToNode != reply.FromNode) return new($"only {row.ToNode} may answer message {id}, not {reply.FromNode}");
        if (row.State == MessageStates.Waiting) return new($"message {id} waits for its rollout: it was never sent");
        // Replies come while the message waits for them; once it ended (its last reply handled, or it failed), more
        // replies would run its reply method again: only a resend of one already stored is ACKed (and not run).
        if (MessageStates.IsFinal(row.State) || (row.State == MessageStates.Queued && !sending))
            return new(await queries.HasInboundAsync(reply.FromNode!, reply.Id, ct).ConfigureAwait(false)
                ? null : $"message {id} is {row.State}: it takes no more replies");
        var sent = JsonSerializer.Deserialize(row.Json, StewardJson.Default.Message)!;
        return AskedForProblem(reply, sent, id) is { } notAsked ? new(notAsked) : new(null, new AnsweredMessage(id, sent), RelayPolicy.AnswersForward(sent));
    }

    /// <summary>Whether the reply is what <paramref name="sent"/> asked for; for a relayed message, signed by its far node.</summary>
    private string? AskedForProblem(Message reply, Message sent, long id)
    {
        var relayed = sent.Method == Methods.Relay ? RelayPolicy.Unwrap(sent) : null;
        var asked = relayed is { } original
            ? RelayPolicy.AskedReply(original)
            : (Method: Replies.MethodFor(sent), Args: sent.ReplyMethodArgs, sent.Directory, sent.FileName);
        // One reply, unless the method streams, or the reply is too large for one message and goes in parts to a method that joins them.
        var inParts = reply.ReplyPart == reply.ReplySeq && Replies.JoinsParts(asked.Method);
        if (!Replies.Streams(relayed ?? sent) && !inParts && (reply.ReplySeq != 0 || !reply.ReplyLast))
            return $"message {id} takes one reply (replySeq 0, replyLast), not replySeq {reply.ReplySeq}";
        if (relayed is not null && FarReplyProblem(reply, relayed) is { } unsignedCopy) return unsignedCopy;
        if (reply.Method != asked.Method) return $"reply method {reply.Method} is not the {asked.Method} that message {id} asked for";
        if (reply.Directory != asked.Directory || reply.FileName != asked.FileName)
            return $"the reply's directory and fileName are not those message {id} asked for";
        return (reply.MethodArgs ?? []).SequenceEqual(asked.Args ?? []) ? null : $"the reply's methodArgs are not those message {id} asked for";
    }

    /// <summary>
    /// A relay node's copy of the far node's reply carries that reply as the far node signed it (<c>origin</c>): the relay
    /// may pass the answer on, not write it.
    /// </summary>
    private string? FarReplyProblem(Message copy, Message relayed)
    {
        Message? far;
        try
        {
            far = copy.Origin is { } bytes ? JsonSerializer.Deserialize(bytes, StewardJson.Default.Message) : null;
        }
        catch (JsonException)
        {
            far = null;
        }
        if (far is null || SignatureProblem(far, copy.Origin!) is not null || far.FromNode != relayed.ToNode || !far.IsReply
            || far.PreviousMessage?.FromNode != copy.FromNode)
            return $"the answer to a relayed message must carry the reply as {relayed.ToNode} signed it";
        var same = far.ReplySeq == copy.ReplySeq && far.ReplyLast == copy.ReplyLast && far.ExitCode == copy.ExitCode
            && (far.Data ?? []).AsSpan().SequenceEqual(copy.Data ?? []);
        return same ? null : $"the answer differs from the reply {relayed.ToNode} signed";
    }

    private string? RuleProblem(string sender, string method)
    {
        if (sender == nodeName) return null;   // its own messages: from its inbox, socket, startup folder or intake
        if (method is Methods.KeysUpdate or Methods.AclUpdate)
            return sender == centralNode ? null : $"only central ({centralNode}) may send {method}";
        return rules.Allows(sender, method) ? null : $"node {sender} may not call {method} on node {nodeName} (rules: Steward:Allow)";
    }
}
