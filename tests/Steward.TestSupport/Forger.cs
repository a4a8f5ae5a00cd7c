using System.Text.Json;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.Core.Trust;

namespace Steward.TestSupport;

/// <summary>
/// Someone with a raw NATS connection and some key (a stranger's, or a node's stolen one) who sends hand-made
/// messages straight to a node's subject, as the attacks in the trust tests do.
/// </summary>
public sealed class Forger : IAsyncDisposable
{
    private readonly NatsConnection _nats;

    private Forger(NatsConnection nats, NodeKey key) => (_nats, Key) = (nats, key);

    public NodeKey Key { get; }

    public NatsConnection Connection => _nats;

    /// <summary>Connects with <paramref name="opts"/> (default: no credentials) and signs with the key in <paramref name="keyFolder"/>.</summary>
    public static async Task<Forger> ConnectAsync(string url, string keyFolder, NatsOpts? opts = null)
    {
        var nats = new NatsConnection((opts ?? NatsOpts.Default) with { Url = url, RetryOnInitialConnect = false });
        await nats.ConnectAsync();
        return new Forger(nats, NodeKey.LoadOrCreate(keyFolder));
    }

    /// <summary>A message with this key's signature, as a node would send it; <paramref name="tamper"/> changes the signed bytes after.</summary>
    public byte[] Sign(Message message, Func<byte[], byte[]>? tamper = null)
    {
        var signed = new MessageSigner(Key).Encode(message);
        return tamper is null ? signed : tamper(signed);
    }

    public byte[] SignAnswer(AckReply answer) => new MessageSigner(Key).Encode(answer);

    public static byte[] WithoutSignature(Message message) => JsonSerializer.SerializeToUtf8Bytes(message, StewardJson.Default.Message);

    /// <summary>Sends <paramref name="payload"/> to the node's subject for the method and gives its answer.</summary>
    public async Task<AckReply> SendAsync(string toNode, string method, byte[] payload)
    {
        var reply = await _nats.RequestAsync<byte[], byte[]>(Subjects.For(toNode, method), payload,
            replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(10) });
        return JsonSerializer.Deserialize(reply.Data!, StewardJson.Default.AckReply)!;
    }

    public async ValueTask DisposeAsync()
    {
        await _nats.DisposeAsync();
        Key.Dispose();
    }
}
