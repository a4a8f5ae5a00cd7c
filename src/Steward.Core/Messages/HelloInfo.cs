namespace Steward.Core.Messages;

/// <summary>The data of a <c>REQHello</c>: who the node is and since when it runs.</summary>
/// <para>It also presents the node's public key (for enrolment) and the fingerprint of the key set it holds, so central
/// sends the current set when they differ, and a summary of its metrics (fields are added at the end, optional: a
/// central reads a hello with fields it does not know).</para>
public sealed record HelloInfo(
    string Version, string Os, string Arch, DateTimeOffset StartedAt, string? PublicKey = null, string? KeySetVersion = null,
    IReadOnlyDictionary<string, string>? Labels = null, HelloMetrics? Metrics = null);
