using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Steward.Core.Messages;

namespace Steward.Core.Trust;

/// <summary>What <c>keys.json</c> holds: the keys enrolled on (or distributed by) central, and keys waiting for approval.</summary>
public sealed record KeySet(Dictionary<string, string> Enrolled, Dictionary<string, string> Pending);

/// <summary>
/// Which public key belongs to which node. Pinned keys (configuration, and the node's own) can never be replaced by a
/// message; enrolled keys are approved by an operator on central, which distributes the whole set to the nodes;
/// pending keys were seen in a hello and wait for approval. Persisted in <c>&lt;data&gt;/keys.json</c> (0600).
/// </summary>
public sealed class KeyRing
{
    public const string FileName = "keys.json";

    private readonly Dictionary<string, string> _pinned;
    private readonly string _path;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, NSec.Cryptography.PublicKey> _verifiers = new(StringComparer.Ordinal);
    private KeySet _set;
    private IReadOnlyDictionary<string, string> _known;
    private string _version;

    public KeyRing(string dataFolder, string nodeName, string publicKey, IReadOnlyDictionary<string, string> pinned)
    {
        _path = Path.Combine(dataFolder, FileName);
        _pinned = new Dictionary<string, string>(pinned, StringComparer.Ordinal) { [nodeName] = publicKey };
        _set = TrustFile.Read(_path, StewardJson.Default.KeySet) ?? new KeySet([], []);
        _known = Merge(_set);
        _version = Fingerprint(_known);
    }

    /// <summary>Every node this node can verify, with its key: pinned first, then enrolled.</summary>
    public IReadOnlyDictionary<string, string> Known => _known;

    public IReadOnlyDictionary<string, string> Pending
    {
        get { lock (_gate) return new SortedDictionary<string, string>(_set.Pending, StringComparer.Ordinal); }
    }

    /// <summary>
    /// A short fingerprint of <see cref="Known"/>: a node's hello says which set it has, so central sends a newer one. Made
    /// when the set changes: central compares it with every hello, and making it sorts and hashes the whole set (at
    /// 5,000 nodes, 5,000 hellos spent 18 CPU-seconds on it).
    /// </summary>
    public string Version => Volatile.Read(ref _version);

    public static string Fingerprint(IReadOnlyDictionary<string, string> keys) => Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}")))))[..16];

    public string? KeyOf(string node) => _known.GetValueOrDefault(node);

    /// <summary>Whether <paramref name="signature"/> over <paramref name="content"/> was made by <paramref name="publicKey"/>.</summary>
    public bool Verify(string publicKey, byte[] content, byte[] signature)
    {
        var verifier = _verifiers.GetOrAdd(publicKey, Ed25519.VerifyingKey);
        return Ed25519.Verify(verifier, content, signature);
    }

    /// <summary>As <see cref="Verify"/>, for a key a stranger presents: not kept, so strangers cannot grow the cache.</summary>
    public static bool VerifyPresented(string publicKey, byte[] content, byte[] signature) =>
        Ed25519.Verify(Ed25519.VerifyingKey(publicKey), content, signature);

    /// <summary>Whether <paramref name="payload"/> carries a valid signature by the key known for <paramref name="node"/>.</summary>
    public bool IsSignedBy(string node, byte[] payload) =>
        SignedJson.Split(payload) is var (signed, signature) && KeyOf(node) is { } key && Verify(key, signed, signature);

    /// <summary>Enrols <paramref name="node"/> with <paramref name="publicKey"/> (an operator's approval); false for a pinned node.</summary>
    public bool Enroll(string node, string publicKey)
    {
        if (_pinned.TryGetValue(node, out var pinned)) return pinned == publicKey;
        Update(set => set with
        {
            Enrolled = new(set.Enrolled, StringComparer.Ordinal) { [node] = publicKey },
            Pending = set.Pending.Where(p => p.Key != node).ToDictionary(StringComparer.Ordinal),
        });
        return true;
    }

    /// <summary>How many keys may wait for approval at once: hellos from strangers cannot grow the file without end.</summary>
    public const int MaxPending = 1000;

    /// <summary>
    /// Remembers a key a node presented that is not (or not yet) its enrolled one, for an operator to approve. The first
    /// key presented for a name stays: a later one cannot take its place before the operator approves it (an operator
    /// who expects another key gives it in the approval).
    /// </summary>
    public void AddPending(string node, string publicKey)
    {
        Update(set => set.Pending.ContainsKey(node) || set.Pending.Count >= MaxPending
            ? set
            : set with { Pending = new(set.Pending, StringComparer.Ordinal) { [node] = publicKey } });
    }

    /// <summary>Replaces the enrolled keys with the set central distributed; pinned keys stay as configured.</summary>
    public void ReplaceEnrolled(IReadOnlyDictionary<string, string> distributed)
    {
        Update(set =>
        {
            var enrolled = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (node, key) in distributed.Concat(AlsoEnrolled?.Invoke() ?? []))
                if (!_pinned.ContainsKey(node) && NodeKey.IsValidPublicKey(key)) enrolled[node] = key;
            return set with { Enrolled = enrolled };
        });
    }

    /// <summary>
    /// Keys enrolled along with every set central distributes, read under the ring's lock so that no reader ever sees a
    /// set without them: the test fleet's own enrolment (null in a real node).
    /// </summary>
    internal Func<IEnumerable<KeyValuePair<string, string>>>? AlsoEnrolled { get; set; }

    private void Update(Func<KeySet, KeySet> change)
    {
        lock (_gate)
        {
            var next = change(_set);
            if (ReferenceEquals(next, _set)) return;   // nothing changed: no write
            TrustFile.Write(_path, next, StewardJson.Default.KeySet);
            _set = next;
            var known = Merge(next);
            Volatile.Write(ref _version, Fingerprint(known));
            _known = known;
        }
    }

    private SortedDictionary<string, string> Merge(KeySet set)
    {
        var known = new SortedDictionary<string, string>(set.Enrolled, StringComparer.Ordinal);
        foreach (var (node, key) in _pinned) known[node] = key;
        return known;
    }
}
