namespace Steward.Core.Messages;

/// <summary>
/// The data of the reply a receiving node sends for each chunk of a copy: the chunk is written; or with
/// <c>Complete</c>, the whole file checked and renamed to <c>Path</c>; or with <c>Error</c>, the copy failed there and
/// nothing was left at the destination.
/// </summary>
public sealed record CopyAnswer(int Chunk, bool Complete = false, string? Path = null, string? Error = null);
