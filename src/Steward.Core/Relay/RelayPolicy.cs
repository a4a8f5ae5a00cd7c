using System.Text.Json;
using Steward.Core.Inbound;
using Steward.Core.Messages;

namespace Steward.Core.Relay;

/// <summary>
/// Every rule of relaying in one place. A message with <c>relayViaNode</c> is wrapped into a <c>REQRelay</c> for the
/// relay node; the relay node forwards the original from itself, with the origin's signed bytes beside it; the far
/// node's reply comes back to the relay node, which copies it back to the origin for the original's
/// <c>relayReplyMethod</c>; a forward the relay node gives up on fails the relay message on the origin.
/// </summary>
internal static class RelayPolicy
{
    /// <summary>Whether <paramref name="message"/>, sent from <paramref name="nodeName"/>, goes through a relay node.</summary>
    public static bool Wraps(Message message, string nodeName) => message.RelayViaNode is { } via && via != nodeName;

    /// <summary>The <c>REQRelay</c> that carries <paramref name="original"/> to its relay node.</summary>
    public static Message Wrap(Message original) => original with
    {
        ToNode = original.RelayViaNode,
        Method = Methods.Relay,
        MethodArgs = null,
        ReplyMethod = null,
        ReplyMethodArgs = null,
        Schedule = null,   // the schedule is for the far node, not for the relay hop
        RerunOnRestart = null,   // so is whether a restart may run it again: the hop only stores and forwards
        Data = JsonSerializer.SerializeToUtf8Bytes(original, StewardJson.Default.Message),
    };

    public static Message? Unwrap(Message relay)
    {
        try
        {
            return relay.Data is { Length: > 0 } data ? JsonSerializer.Deserialize(data, StewardJson.Default.Message) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The node a message is for: for a relay message, the far node rather than the relay.</summary>
    public static string Destination(Message message) =>
        message.Method == Methods.Relay && Unwrap(message) is { ToNode: { } far } ? far : message.ToNode!;

    /// <summary>Why the relay node refuses to forward <paramref name="relay"/>, or null.</summary>
    public static string? Refusal(Message relay) => Unwrap(relay) switch
    {
        null => "REQRelay needs the message to relay, as JSON, in data",
        var original when MessageValidator.Validate(original) is { Count: > 0 } errors =>
            "the relayed message is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
        _ => null,
    };

    /// <summary>
    /// The original, sent on from the relay node: it remembers the relay message as its <c>previousMessage</c>, so its reply
    /// can be copied back, and carries the origin's signed bytes, so the far node checks who really asked.
    /// </summary>
    public static Message Forward(Message relay) => Unwrap(relay)! with { RelayViaNode = null, PreviousMessage = relay.Summary(), Origin = relay.Data };

    /// <summary>Whether a reply comes back once <paramref name="message"/> is ACKed: for a relay, the relayed message's.</summary>
    public static bool ReplyExpected(Message message) =>
        message.Method == Methods.Relay ? Unwrap(message) is { } original && Replies.Wanted(original) : Replies.Wanted(message);

    /// <summary>The node a forwarded message came from, and the relay message it came in, when it is one.</summary>
    public static (string Origin, Message Relay)? RelayedFrom(Message forwarded) =>
        forwarded.PreviousMessage is { Method: Methods.Relay, FromNode: { } origin } relay ? (origin, relay) : null;

    /// <summary>Whether replies to <paramref name="sent"/> are the far node's answers to a forward (copied back to the origin).</summary>
    public static bool AnswersForward(Message sent) => sent.PreviousMessage?.Method == Methods.Relay;

    /// <summary>The reply the origin asked for with <paramref name="original"/>: method, arguments, directory and file.</summary>
    public static (string Method, string[]? Args, string? Directory, string? FileName) AskedReply(Message original) =>
        (original.RelayReplyMethod ?? Methods.DefaultReply, original.ReplyMethodArgs, original.Directory, original.FileName ?? $"{original.Method}.log");

    /// <summary>
    /// On the relay node: the copy of the far node's <paramref name="reply"/> for the origin of the message it
    /// <paramref name="forwarded"/>, handled there by the original's <c>relayReplyMethod</c>; none when it forwarded nothing.
    /// </summary>
    public static IReadOnlyList<Message> CopyBack(Message forwarded, Message reply)
    {
        if (RelayedFrom(forwarded) is not var (origin, relay)) return [];
        var asked = AskedReply(forwarded);
        return
        [
            reply with
            {
                Id = 0, ToNode = origin, Method = asked.Method, PreviousMessage = relay,
                FileName = reply.FileName ?? asked.FileName,   // named after what ran, not after the relay hop
                AckTimeout = forwarded.ReplyACKTimeout, Retries = forwarded.ReplyRetries, MethodTimeout = forwarded.ReplyMethodTimeout,
            },
        ];
    }
}
