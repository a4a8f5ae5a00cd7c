using System.Buffers.Text;

namespace Steward.Core.Trust;

/// <summary>
/// Signs a JSON object by appending <c>"signature":"&lt;base64&gt;"</c> as its last field, and splits such a payload back
/// into the exact bytes that were signed and the signature. Verifying the received bytes themselves (not a
/// re-serialization) keeps a signature valid across versions that add fields, and costs no second serialization.
/// Hand-written because NATS.NKeys signs bytes and no library here signs JSON in place.
/// </summary>
internal static class SignedJson
{
    private static ReadOnlySpan<byte> Marker => ",\"signature\":\""u8;
    private static ReadOnlySpan<byte> End => "\"}"u8;

    /// <summary><paramref name="unsigned"/> (a JSON object without a signature) with its signature as the last field.</summary>
    public static byte[] Seal(byte[] unsigned, NodeKey key)
    {
        var signature = key.Sign(unsigned);
        var encodedLength = Base64.GetMaxEncodedToUtf8Length(signature.Length);
        var sealedBytes = new byte[unsigned.Length - 1 + Marker.Length + encodedLength + End.Length];
        unsigned.AsSpan(0, unsigned.Length - 1).CopyTo(sealedBytes);
        var at = unsigned.Length - 1;
        Marker.CopyTo(sealedBytes.AsSpan(at));
        at += Marker.Length;
        Base64.EncodeToUtf8(signature, sealedBytes.AsSpan(at), out _, out var written);
        End.CopyTo(sealedBytes.AsSpan(at + written));
        return sealedBytes;
    }

    /// <summary>The bytes that were signed and the signature, or null when the payload carries no signature as its last field.</summary>
    public static (byte[] Signed, byte[] Signature)? Split(ReadOnlySpan<byte> payload)
    {
        payload = payload.TrimEnd(" \t\r\n"u8);
        var at = payload.LastIndexOf(Marker);
        if (at <= 0 || !payload.EndsWith(End)) return null;
        var encoded = payload[(at + Marker.Length)..^End.Length];
        var signature = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (Base64.DecodeFromUtf8(encoded, signature, out _, out var length) != System.Buffers.OperationStatus.Done || length != NodeKey.SignatureLength)
            return null;
        var signed = new byte[at + 1];
        payload[..at].CopyTo(signed);
        signed[at] = (byte)'}';
        return (signed, signature[..length]);
    }
}
