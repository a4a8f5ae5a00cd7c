using System.Text.Json;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQRelay</c> on the relay node: unwraps the original message from <c>data</c> and sends it on to its
/// <c>toNode</c> from here, in the same commit that finishes the relay hop (store and forward). The forwarded message
/// remembers the relay message as its <c>previousMessage</c>, so its reply can be copied back to the origin.
/// </summary>
internal sealed class RelayHandler : IMethodHandler
{
    public string Method => Methods.Relay;

    public string? Refusal(Message message) => Unwrap(message) switch
    {
        null => "REQRelay needs the message to relay, as JSON, in data",
        var original when MessageValidator.Validate(original) is { Count: > 0 } errors =>
            "the relayed message is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
        _ => null,
    };

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var original = Unwrap(message)!;
        // The origin's signed message travels beside the forward, so the far node checks who really asked.
        var forward = original with { RelayViaNode = null, PreviousMessage = message.Summary(), Origin = message.Data };
        return Task.FromResult(new HandlerResult(null, Send: [forward]));
    }

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
}
