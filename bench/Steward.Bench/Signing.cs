using Steward.Core.Messages;
using Steward.Core.Trust;

namespace Steward.Bench;

/// <summary>
/// (s) What trust costs one message: the sender's signature (serialize + ed25519 sign) and the receiver's check (split +
/// ed25519 verify), on a typical command message. An ACKed delivery pays two of each (the message and its ACK answer).
/// </summary>
internal sealed class Signing : IDisposable
{
    private readonly NodeKey _key = NodeKey.LoadOrCreate(Directory.CreateTempSubdirectory("steward-bench-key-").FullName);
    private readonly KeyRing _keys;
    private readonly MessageSigner _signer;
    private readonly Message _message;
    private readonly byte[] _signed;

    public Signing()
    {
        _keys = new KeyRing(Directory.CreateTempSubdirectory("steward-bench-ring-").FullName, "central", _key.PublicKey, new Dictionary<string, string>());
        _signer = new MessageSigner(_key);
        _message = new Message
        {
            Id = 1_795_000_000_000, CreatedAt = 1_795_000_000_000, FromNode = "central", ToNode = "ship1", Method = Methods.CliCommand,
            MethodArgs = ["bash", "-c", "uptime"], AckTimeout = 10, Retries = 3, RetryWait = 5, MethodTimeout = 10,
        };
        _signed = _signer.Encode(_message);
    }

    public Task SignAsync()
    {
        _signer.Encode(_message);
        return Task.CompletedTask;
    }

    public Task VerifyAsync() =>
        _keys.IsSignedBy("central", _signed) ? Task.CompletedTask : throw new InvalidOperationException("the signature did not verify");

    public void Dispose() => _key.Dispose();
}
