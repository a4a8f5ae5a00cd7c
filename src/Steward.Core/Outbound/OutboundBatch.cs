using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Outbound;

/// <summary>
/// What one commit of the outbox stores: the messages, and what they complete — a received message (<c>Finishing</c>)
/// with, when it is a reply, the reply recorded against the message it answers; or a local input taken once.
/// <c>AsBatch</c> makes the messages one fan-out whose id is the first message's. <c>CopyChunk</c>: the one message is
/// that chunk of that copy, recorded as stored in the same commit.
/// </summary>
internal sealed record OutboundBatch(
    IReadOnlyList<Message> Messages, bool AsBatch = false, LocalInput? Input = null, Message? Finishing = null, RecordedReply? Reply = null,
    (long CopyId, int Chunk)? CopyChunk = null);

/// <summary>A reply to outbound message <c>AnsweredId</c>, with the state that message moves to once it is recorded.</summary>
internal sealed record RecordedReply(long AnsweredId, string FromNode, string? Output, int? ExitCode, bool Last);
