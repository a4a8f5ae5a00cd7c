namespace Steward.Core.Node;

/// <summary>A node cannot start for a reason the operator must fix; the hosts print its message as one line.</summary>
public sealed class StewardStartupException(string message) : Exception(message);
