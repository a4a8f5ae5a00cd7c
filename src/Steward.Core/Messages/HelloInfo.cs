namespace Steward.Core.Messages;

/// <summary>The data of a <c>REQHello</c>: who the node is and since when it runs.</summary>
public sealed record HelloInfo(string Version, string Os, string Arch, DateTimeOffset StartedAt);
