using System.Text.Json;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Relay;

namespace Steward.Core.Trust;

/// <summary>Puts this node's signature on everything it sends: messages, and its ACK answers.</summary>
public sealed class MessageSigner(NodeKey key)
{
    /// <summary>
    /// The message as it goes on the wire, signed. A relay message carries the original message signed too, under the
    /// same id, so the relay node and the far node can both check that this node sent it.
    /// </summary>
    public byte[] Encode(Message message)
    {
        if (message.Method == Methods.Relay && RelayPolicy.Unwrap(message) is { } original)
            message = message with { Data = Encode(original with { Id = message.Id, FromNode = message.FromNode, CreatedAt = message.CreatedAt }) };
        return SignedJson.Seal(JsonSerializer.SerializeToUtf8Bytes(message with { Signature = null }, StewardJson.Default.Message), key);
    }

    public byte[] Encode(AckReply answer) =>
        SignedJson.Seal(JsonSerializer.SerializeToUtf8Bytes(answer with { Signature = null }, StewardJson.Default.AckReply), key);
}
