using Steward.Core.Handlers;
using Steward.Core.Outbound;

namespace Steward.Core.Trust;

public enum EnrolmentOutcome { Enrolled, NothingPending, BadKey, Pinned, AlreadyEnrolled }

/// <summary>
/// An operator's approval of a node's key on central: the key becomes the node's enrolled key, and the node is sent
/// the whole key set at once (every other node gets the new set with the answer to its next hello).
/// </summary>
public sealed class Enrolment
{
    private readonly KeyRing _keys;
    private readonly Outbox _outbox;

    internal Enrolment(KeyRing keys, Outbox outbox) => (_keys, _outbox) = (keys, outbox);

    /// <summary>Approves <paramref name="publicKey"/> for <paramref name="node"/>, or the key it presented in its hello when null.</summary>
    public async Task<(EnrolmentOutcome Outcome, string? Key)> ApproveAsync(string node, string? publicKey)
    {
        // Replacing an enrolled key (a rotation, or someone else's hello in its name) needs the new key spelled out.
        if (publicKey is null && _keys.KeyOf(node) is { } enrolled) return (EnrolmentOutcome.AlreadyEnrolled, enrolled);
        var key = publicKey ?? _keys.Pending.GetValueOrDefault(node);
        if (key is null) return (EnrolmentOutcome.NothingPending, null);
        if (!NodeKey.IsValidPublicKey(key)) return (EnrolmentOutcome.BadKey, key);
        if (!_keys.Enroll(node, key)) return (EnrolmentOutcome.Pinned, _keys.KeyOf(node));
        await _outbox.AcceptAsync(KeysUpdateHandler.For(node, _keys)).ConfigureAwait(false);
        return (EnrolmentOutcome.Enrolled, key);
    }
}
