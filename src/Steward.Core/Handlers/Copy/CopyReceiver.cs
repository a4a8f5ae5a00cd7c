using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Handlers.Copy;

/// <summary>
/// The receiving end of a copy: each chunk written once at its offset into the copy's temporary file, and after the last
/// one the whole file checked against the SHA-256 its source sent, then renamed into place. What is written is recorded in
/// the node's file before and after (<see cref="CopyStore"/>), so a chunk run again after a restart, or sent again, is not
/// written twice; a copy that fails leaves no file behind, and later chunks of it are not written.
/// </summary>
internal sealed partial class CopyReceiver(CopyTarget target, CopyStore copies, ILogger logger)
{
    // One chunk of a copy at a time: its chunks arrive side by side, and only one of them may find the set complete.
    private readonly ConcurrentDictionary<(string, long), SemaphoreSlim> _copies = new();

    public async Task<HandlerResult> ChunkAsync(Message message, string destination, CopyArgs.Chunk part, CancellationToken ct)
    {
        var from = message.FromNode!;
        var gate = _copies.GetOrAdd((from, part.CopyId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            string path;
            try
            {
                path = target.Resolve(destination);
            }
            catch (MessageRejectedException e)
            {
                // Allowed when it arrived, not now (a link changed on the way): this chunk is refused, nothing was written.
                return Answer(new CopyAnswer(part.Index, Error: e.Message)) with { ExitCode = 1, Error = e.Message };
            }
            var copy = await copies.BeginInAsync(new CopyIn
            {
                FromNode = from, CopyId = part.CopyId, Path = path, TempPath = CopyTarget.TemporaryFor(path, from, part.CopyId), Size = part.Size,
                Chunks = part.Count, Sha256 = part.Sha256,
            }, ct).ConfigureAwait(false);
            if (copy.State == CopyStates.Complete) return Answer(new CopyAnswer(part.Index, Complete: true, Path: copy.Path));
            if (copy.State == CopyStates.Failed) return Failed(copy, part.Index, copy.Error ?? "failed");
            if (Mismatch(copy, path, part) is { } claim) return await FailAsync(copy, part.Index, claim, ct).ConfigureAwait(false);
            try
            {
                await WriteOnceAsync(copy, message, part, ct).ConfigureAwait(false);
                return await copies.WrittenCountAsync(from, part.CopyId, ct).ConfigureAwait(false) < copy.Chunks
                    ? Answer(new CopyAnswer(part.Index))
                    : await CompleteAsync(copy, part.Index, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return await FailAsync(copy, part.Index, $"cannot write {copy.TempPath}: {e.Message}", ct).ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The source gave the copy up: what it left goes, and chunks of it that still come are not written.</summary>
    public async Task<HandlerResult> AbortAsync(Message message, string destination, long copyId, CancellationToken ct)
    {
        var from = message.FromNode!;
        var gate = _copies.GetOrAdd((from, copyId), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Unknown here yet (its chunks may still come): recorded as failed, so they are not written.
            var path = target.Full(destination);
            var copy = await copies.FindInAsync(from, copyId, ct).ConfigureAwait(false)
                       ?? new CopyIn { FromNode = from, CopyId = copyId, Path = path, TempPath = CopyTarget.TemporaryFor(path, from, copyId), Sha256 = "" };
            if (copy.State != CopyStates.Receiving) return HandlerResult.Empty;   // complete (the file is whole) or failed already
            CopyFiles.Discard(copy.TempPath);
            var reason = $"aborted by {from}: {Encoding.UTF8.GetString(message.Data ?? [])}";
            await copies.EndInAsync(copy, CopyStates.Failed, reason, ct).ConfigureAwait(false);
            Log.Failed(logger, copyId, from, copy.Path, reason);
            return HandlerResult.Empty;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The original's copy: the whole file in one message, written beside the destination and renamed.</summary>
    public async Task<HandlerResult> WholeAsync(Message message, string destination, CancellationToken ct)
    {
        var path = target.Resolve(destination);
        var temporary = CopyTarget.TemporaryFor(path, message.FromNode!, message.Id);
        var data = message.Data ?? [];
        try
        {
            await CopyFiles.WriteWholeAsync(temporary, path, data, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CopyFiles.Discard(temporary);
            return new HandlerResult(null, 1, $"cannot write {path}: {e.Message}");
        }
        Log.WroteWhole(logger, message.Id, message.FromNode!, data.Length, path);
        return new HandlerResult(Encoding.UTF8.GetBytes($"wrote {data.Length} bytes to {path}\n"), 0);
    }

    /// <summary>
    /// Writes the chunk unless it is written: counted before the write, recorded written once on disk. A run cut off by a
    /// restart between the two leaves its count; the next run compares what is there and writes only what is missing (as
    /// <c>REQToFileAppend</c> completes a line a kill cut in half), so no byte of a chunk is written twice.
    /// </summary>
    private async Task WriteOnceAsync(CopyIn copy, Message message, CopyArgs.Chunk part, CancellationToken ct)
    {
        var (from, copyId, data) = (copy.FromNode, copy.CopyId, message.Data ?? []);
        var record = await copies.FindChunkInAsync(from, copyId, part.Index, ct).ConfigureAwait(false);
        if (record?.WrittenAt is not null)
        {
            Log.AlreadyWritten(logger, copyId, from, part.Index, part.Count, message.Id, record.MessageId);
            return;
        }
        CopyFiles.Prepare(copy.TempPath, copy.Size);
        var writes = record?.Writes ?? 0;
        var there = writes > 0 ? await CopyFiles.HoldsAsync(copy.TempPath, part.Offset, data, ct).ConfigureAwait(false) : 0;
        if (writes == 0) writes = await copies.CountWriteAsync(from, copyId, part.Index, message.Id, ct).ConfigureAwait(false);
        else Log.FoundWritten(logger, copyId, from, part.Index, part.Count, there, data.Length);
        if (there < data.Length) await CopyFiles.WriteAtAsync(copy.TempPath, part.Offset + there, data.AsMemory(there), ct).ConfigureAwait(false);
        await copies.ChunkWrittenAsync(from, copyId, part.Index, ct).ConfigureAwait(false);
        Log.ChunkWritten(logger, copyId, from, part.Index, part.Count, data.Length, part.Offset, writes);
    }

    /// <summary>Every chunk is written: the file is checked, flushed and renamed into place, or the copy fails.</summary>
    private async Task<HandlerResult> CompleteAsync(CopyIn copy, int chunk, CancellationToken ct)
    {
        if (!File.Exists(copy.TempPath))
        {
            // A restart between the rename and its record: the destination is the copy when it hashes right.
            if (File.Exists(copy.Path) && await CopyFiles.Sha256Async(copy.Path, ct).ConfigureAwait(false) == copy.Sha256) return await EndAsync(copy, chunk, ct).ConfigureAwait(false);
            return await FailAsync(copy, chunk, $"the temporary file {copy.TempPath} is gone", ct).ConfigureAwait(false);
        }
        var sha256 = await CopyFiles.Sha256Async(copy.TempPath, ct).ConfigureAwait(false);
        if (sha256 != copy.Sha256)
            return await FailAsync(copy, chunk,
                $"sha256 mismatch: the {copy.Size} bytes received hash to {sha256}, but {copy.FromNode} sent {copy.Sha256}; {copy.Path} was not written", ct)
                .ConfigureAwait(false);
        CopyFiles.Commit(copy.TempPath, copy.Path);
        return await EndAsync(copy, chunk, ct).ConfigureAwait(false);
    }

    private async Task<HandlerResult> EndAsync(CopyIn copy, int chunk, CancellationToken ct)
    {
        await copies.EndInAsync(copy, CopyStates.Complete, null, ct).ConfigureAwait(false);
        Log.Complete(logger, copy.CopyId, copy.FromNode, copy.Path, copy.Size, copy.Chunks, copy.Sha256);
        return Answer(new CopyAnswer(chunk, Complete: true, Path: copy.Path));
    }

    private async Task<HandlerResult> FailAsync(CopyIn copy, int chunk, string error, CancellationToken ct)
    {
        CopyFiles.Discard(copy.TempPath);
        await copies.EndInAsync(copy, CopyStates.Failed, error, ct).ConfigureAwait(false);
        Log.Failed(logger, copy.CopyId, copy.FromNode, copy.Path, error);
        return Failed(copy, chunk, error);
    }

    private static HandlerResult Failed(CopyIn copy, int chunk, string error) =>
        Answer(new CopyAnswer(chunk, Error: error)) with { ExitCode = 1, Error = $"copy {copy.CopyId} from {copy.FromNode} to {copy.Path}: {error}" };

    private static string? Mismatch(CopyIn copy, string path, CopyArgs.Chunk part) =>
        (copy.Path, copy.Size, copy.Chunks, copy.Sha256) == (path, part.Size, part.Count, part.Sha256)
            ? null
            : $"chunk {part.Index} claims {part.Size} bytes in {part.Count} chunks with sha256 {part.Sha256} to {path}, but the copy began as " +
              $"{copy.Size} bytes in {copy.Chunks} chunks with sha256 {copy.Sha256} to {copy.Path}";

    private static HandlerResult Answer(CopyAnswer answer) => new(JsonSerializer.SerializeToUtf8Bytes(answer, StewardJson.Default.CopyAnswer), 0);

    private static partial class Log
    {
        [LoggerMessage(11001, LogLevel.Information, "Copy {CopyId} from {FromNode}: chunk {Chunk} of {Chunks} written ({Bytes} bytes at {Offset}), write {Writes}")]
        public static partial void ChunkWritten(ILogger logger, long copyId, string fromNode, int chunk, int chunks, int bytes, long offset, int writes);

        [LoggerMessage(11002, LogLevel.Information, "Copy {CopyId} from {FromNode}: chunk {Chunk} of {Chunks} (message {MessageId}) was written before (by message {WrittenBy}); not written again")]
        public static partial void AlreadyWritten(ILogger logger, long copyId, string fromNode, int chunk, int chunks, long messageId, long writtenBy);

        [LoggerMessage(11003, LogLevel.Information, "Copy {CopyId} from {FromNode}: chunk {Chunk} of {Chunks} was begun before a restart; {There} of its {Bytes} bytes were on disk, only the rest is written")]
        public static partial void FoundWritten(ILogger logger, long copyId, string fromNode, int chunk, int chunks, int there, int bytes);

        [LoggerMessage(11004, LogLevel.Information, "Copy {CopyId} from {FromNode} complete: {Path}, {Size} bytes in {Chunks} chunks, sha256 {Sha256}")]
        public static partial void Complete(ILogger logger, long copyId, string fromNode, string path, long size, int chunks, string sha256);

        [LoggerMessage(11005, LogLevel.Warning, "Copy {CopyId} from {FromNode} to {Path} failed: {Error}; its temporary file is removed")]
        public static partial void Failed(ILogger logger, long copyId, string fromNode, string path, string error);

        [LoggerMessage(11006, LogLevel.Information, "Message {MessageId} from {FromNode}: {Bytes} bytes copied to {Path}")]
        public static partial void WroteWhole(ILogger logger, long messageId, string fromNode, int bytes, string path);
    }
}
