using Steward.Core.Messages;

namespace Steward.Core.Inbound;

/// <summary>The message of this node that a received reply answers, as this node stored it when it sent it.</summary>
internal sealed record AnsweredMessage(long Id, Message Sent);
