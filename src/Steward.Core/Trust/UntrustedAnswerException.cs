namespace Steward.Core.Trust;

/// <summary>An ACK answer that is not signed by the node the message went to, or answers another message: treated as none.</summary>
public sealed class UntrustedAnswerException(string message) : Exception(message);
