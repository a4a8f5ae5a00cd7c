using NATS.NKeys;
using NSec.Cryptography;

namespace Steward.Core.Trust;

/// <summary>
/// ed25519 signatures through libsodium (NSec) on keys in NATS nkey form. NATS.NKeys signs and verifies in managed code,
/// about three times slower, and every delivery signs and verifies twice (the message and its ACK answer).
/// </summary>
internal static class Ed25519
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    /// <summary>The signing key of an nkey seed (<c>SU…</c>: two prefix bytes, the 32-byte seed, a checksum).</summary>
    public static Key SigningKey(string seed) => Key.Import(Algorithm, Decode(seed).AsSpan(2, 32), KeyBlobFormat.RawPrivateKey);

    /// <summary>The key of a public nkey (<c>U…</c>: one prefix byte, the 32-byte key, a checksum); checked first.</summary>
    public static PublicKey VerifyingKey(string publicKey)
    {
        if (!KeyPair.IsValidPublicKey(PrefixByte.User, publicKey)) throw new ArgumentException($"'{publicKey}' is not a public user nkey");
        return PublicKey.Import(Algorithm, Decode(publicKey).AsSpan(1, 32), KeyBlobFormat.RawPublicKey);
    }

    public static byte[] Sign(Key key, ReadOnlySpan<byte> data) => Algorithm.Sign(key, data);

    public static bool Verify(PublicKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => Algorithm.Verify(key, data, signature);

    private static byte[] Decode(string nkey)
    {
        var raw = new byte[Base32.GetDataLength(nkey)];
        Base32.FromBase32(nkey, raw);
        return raw;
    }
}
