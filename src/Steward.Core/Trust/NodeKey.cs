using System.Text;
using NATS.NKeys;
using Steward.Core.State;

namespace Steward.Core.Trust;

/// <summary>
/// A node's identity: an ed25519 key pair in NATS nkey form (a user key, so the same key logs in to the broker), kept
/// in <c>&lt;data&gt;/node.nk</c> (mode 0600) and made on first start. The seed never leaves this class but for the
/// broker login.
/// </summary>
public sealed class NodeKey : IDisposable
{
    public const string FileName = "node.nk";
    public const int SignatureLength = 64;

    private readonly KeyPair _pair;
    private readonly NSec.Cryptography.Key _signing;

    private NodeKey(KeyPair pair)
    {
        _pair = pair;
        PublicKey = pair.GetPublicKey();
        _signing = Ed25519.SigningKey(pair.GetSeed());
    }

    /// <summary>The public key, e.g. <c>UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4</c>.</summary>
    public string PublicKey { get; }

    internal string Seed => _pair.GetSeed();

    /// <summary>Reads the node's key from its data folder, or makes one there (folder 0700, file 0600).</summary>
    public static NodeKey LoadOrCreate(string dataFolder)
    {
        var path = Path.Combine(dataFolder, FileName);
        if (File.Exists(path)) return new NodeKey(KeyPair.FromSeed(File.ReadAllText(path).Trim()));
        var pair = KeyPair.CreatePair(PrefixByte.User);
        OwnerOnly.WriteWhole(path, file => file.Write(Encoding.ASCII.GetBytes(pair.GetSeed() + "\n")));
        return new NodeKey(pair);
    }

    public byte[] Sign(ReadOnlySpan<byte> data) => Ed25519.Sign(_signing, data);

    public static bool IsValidPublicKey(string? key)
    {
        try
        {
            return key is not null && KeyPair.IsValidPublicKey(PrefixByte.User, key);
        }
        catch (ArgumentException)
        {
            return false;   // NATS.NKeys throws on characters outside base32 instead of answering false
        }
    }

    public void Dispose()
    {
        _signing.Dispose();
        _pair.Dispose();
    }
}
