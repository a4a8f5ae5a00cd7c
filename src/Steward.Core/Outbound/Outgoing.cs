using Steward.Core.Messages;

namespace Steward.Core.Outbound;

/// <summary>A stored message on its way out, with the attempts it already had before a restart.</summary>
internal sealed record Outgoing(Message Message, int AttemptsSoFar = 0);
