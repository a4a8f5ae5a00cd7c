namespace Steward.Core.State;

/// <summary>
/// A copy this node sends (<c>REQCopyFileFrom</c>), planned once: after a restart the same message goes on with the same
/// chunks, the same size and the same SHA-256, from the first chunk not yet stored.
/// </summary>
public sealed class CopyOut
{
    /// <summary>From the node's id sequence, so no two copies of this node share it; the receiver keys the copy by it.</summary>
    public long CopyId { get; set; }

    /// <summary>The <c>REQCopyFileFrom</c> this copy runs: the received message <c>(FromNode, MessageId)</c>.</summary>
    public required string FromNode { get; set; }

    public long MessageId { get; set; }
    public required string ToNode { get; set; }
    public long Size { get; set; }
    public int ChunkBytes { get; set; }
    public int Chunks { get; set; }
    public required string Sha256 { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A chunk of a copy this node sends: stored in its outbox as message <c>MessageId</c>, in the commit that adds this row.</summary>
public sealed class CopyOutChunk
{
    public long CopyId { get; set; }
    public int Chunk { get; set; }
    public long MessageId { get; set; }
}

/// <summary>A copy this node receives in chunks, into <c>TempPath</c> beside <c>Path</c> until it is complete.</summary>
public sealed class CopyIn
{
    public required string FromNode { get; set; }
    public long CopyId { get; set; }
    public required string Path { get; set; }
    public required string TempPath { get; set; }
    public long Size { get; set; }
    public int Chunks { get; set; }
    public required string Sha256 { get; set; }
    public string State { get; set; } = CopyStates.Receiving;
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

/// <summary>
/// A chunk of a copy this node receives: <c>Writes</c> counts the writes of its bytes into the temporary file, each
/// counted before it begins; <c>WrittenAt</c> is set once they are on disk. A chunk is written once: a second run of it (a
/// resend under another id) finds it written; a run after a restart that cut the first one short compares what is there
/// and writes only the bytes missing, as a completion of that write, not a new one.
/// </summary>
public sealed class CopyInChunk
{
    public required string FromNode { get; set; }
    public long CopyId { get; set; }
    public int Chunk { get; set; }
    public long MessageId { get; set; }
    public int Writes { get; set; }
    public DateTime? WrittenAt { get; set; }
}

public static class CopyStates
{
    public const string Receiving = "receiving";
    public const string Complete = "complete";
    public const string Failed = "failed";
}
