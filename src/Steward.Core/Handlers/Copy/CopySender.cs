using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;
using Steward.Core.Outbound;
using Steward.Core.State;

namespace Steward.Core.Handlers.Copy;

/// <summary>
/// The sending end of a copy (<c>REQCopyFileFrom</c>). The file is checked and hashed once, and that plan (size, chunk
/// size, SHA-256, copy id) is kept in the node's file. Then it goes as <c>REQCopyFileTo</c> chunks through the outbox,
/// each stored together with the record that it is, so each is stored, signed, ACKed, retried and deduplicated as any
/// message, and none is ever stored twice: a run after a restart goes on from the first chunk not yet stored. At most
/// <see cref="Window"/> chunks are unanswered at a time (the receiver answers each once written), so neither node ever
/// holds more than that of the file in its database. Progress goes to the asker as replies.
/// </summary>
internal sealed partial class CopySender(
    Outbox outbox, CopyStore copies, NodeReads reads, string nodeName, long maxBytes, TimeProvider time, ILogger logger, CancellationToken nodeStopping)
{
    /// <summary>Chunks sent and not yet answered; a few keep the link busy while the receiver writes one.</summary>
    public const int Window = 4;

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    /// <summary>Page-sized chunks: the receiver writes each at an offset of the file.</summary>
    private const int ChunkAlignment = 4096;

    public async Task<HandlerResult> RunAsync(Message message, CopyArgs.FromArgs args, Func<HandlerResult, Task> emit, CancellationToken ct)
    {
        var (plan, problem) = await PlanAsync(message, args, ct).ConfigureAwait(false);
        if (plan is null) return Failure(args, problem!);
        try
        {
            var end = await SendAsync(message, args, plan, emit, ct).ConfigureAwait(false);
            if (end.Error is null)
            {
                Log.Copied(logger, plan.CopyId, args.SourcePath, args.DestinationNode, end.Path!, plan.Size, plan.Chunks);
                return new HandlerResult(Line(
                    $"copied {args.SourcePath} to {args.DestinationNode}:{end.Path}: {plan.Size} bytes in {plan.Chunks} chunks, sha256 {plan.Sha256}"), 0);
            }
            // A failure the receiver reported, it cleaned up itself; any other may have left chunks there.
            if (!end.ReceiverEnded) await AbortAsync(message, args, plan, end.Error).ConfigureAwait(false);
            return Failure(args, end.Error);
        }
        catch (OperationCanceledException) when (!nodeStopping.IsCancellationRequested)
        {
            // Cancelled by its sender or at its methodTimeout (when the node stops, it goes on after the restart instead).
            await AbortAsync(message, args, plan, $"the copy was cancelled or timed out on {nodeName}").ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The plan this message made before a restart, or a new one: the file checked, hashed and cut into chunks.</summary>
    private async Task<(CopyOut? Plan, string? Problem)> PlanAsync(Message message, CopyArgs.FromArgs args, CancellationToken ct)
    {
        if (await copies.FindOutAsync(message.FromNode!, message.Id, ct).ConfigureAwait(false) is { } planned) return (planned, null);
        if (CopySource.Problem(args.SourcePath, maxBytes) is { } problem) return (null, problem);
        var (sha256, size) = await CopySource.HashAsync(args.SourcePath, ct).ConfigureAwait(false);
        if (size > maxBytes) return (null, CopySource.Problem(args.SourcePath, maxBytes) ?? $"{args.SourcePath} grew past Steward:CopyMaxBytes while it was read");
        var chunkBytes = ChunkBytes(message, args);
        var plan = await copies.PlanOutAsync(new CopyOut
        {
            FromNode = message.FromNode!, MessageId = message.Id, ToNode = args.DestinationNode, Size = size, ChunkBytes = chunkBytes,
            Chunks = (int)Math.Max(1, (size + chunkBytes - 1) / chunkBytes), Sha256 = sha256,
        }, ct).ConfigureAwait(false);
        return (plan, null);
    }

    private sealed record End(string? Path, string? Error = null, bool ReceiverEnded = false);

    private async Task<End> SendAsync(Message message, CopyArgs.FromArgs args, CopyOut plan, Func<HandlerResult, Task> emit, CancellationToken ct)
    {
        var stored = await copies.ChunksOutAsync(plan.CopyId, ct).ConfigureAwait(false);
        await emit(new HandlerResult(Line(stored.Count == 0
            ? $"copying {args.SourcePath} to {args.DestinationNode}:{args.DestinationPath}: {plan.Size} bytes in {plan.Chunks} chunks of {plan.ChunkBytes}, sha256 {plan.Sha256}"
            : $"resuming the copy of {args.SourcePath} to {args.DestinationNode}:{args.DestinationPath} after a restart: {stored.Count} of {plan.Chunks} chunks were sent"))).ConfigureAwait(false);
        Log.Sending(logger, plan.CopyId, args.SourcePath, args.DestinationNode, plan.Size, plan.Chunks, stored.Count);

        var progress = new CopyProgress(plan, time);
        var unanswered = new Queue<(int Chunk, long Id)>(stored.Select(c => (c.Chunk, c.MessageId)));
        string? path = null;
        async Task<End?> SettleOldestAsync()
        {
            var (chunk, id) = unanswered.Dequeue();
            var (answer, failure) = await AnswerAsync(plan, chunk, id, ct).ConfigureAwait(false);
            if (failure is not null) return failure;
            path ??= answer!.Complete ? answer.Path : null;
            if (progress.Done(chunk) is { } line) await emit(new HandlerResult(Line(line))).ConfigureAwait(false);
            return null;
        }

        if (stored.Count < plan.Chunks)
        {
            var file = CopySource.Open(args.SourcePath);
            await using (file.ConfigureAwait(false))
                for (var chunk = stored.Count; chunk < plan.Chunks; chunk++)
                {
                    while (unanswered.Count >= Window)
                        if (await SettleOldestAsync().ConfigureAwait(false) is { } failed) return failed;
                    var offset = (long)chunk * plan.ChunkBytes;
                    var data = await CopySource.ReadAsync(file, offset, (int)Math.Min(plan.ChunkBytes, plan.Size - offset), ct).ConfigureAwait(false);
                    if (data is null) return new End(null, $"{args.SourcePath} is shorter than the {plan.Size} bytes it had when the copy began");
                    var part = new CopyArgs.Chunk(plan.CopyId, chunk, plan.Chunks, offset, plan.Size, plan.Sha256);
                    unanswered.Enqueue((chunk, await outbox.SendChunkAsync(ChunkMessage(message, args, part, data), plan.CopyId, chunk).ConfigureAwait(false)));
                }
        }
        while (unanswered.Count > 0)
            if (await SettleOldestAsync().ConfigureAwait(false) is { } failed) return failed;
        return path is null ? new End(null, $"every chunk was written, but {args.DestinationNode} never said the file is complete", ReceiverEnded: true) : new End(path);
    }

    /// <summary>What the receiver answered chunk <paramref name="chunk"/> (message <paramref name="id"/>), once it ended.</summary>
    private async Task<(CopyAnswer? Answer, End? Failure)> AnswerAsync(CopyOut plan, int chunk, long id, CancellationToken ct)
    {
        var row = await outbox.FinalAsync(id, ct).ConfigureAwait(false);
        // A chunk the receiver refused (its rules, its paths) left nothing there, and an abort would be refused the same way.
        if (row.State != MessageStates.Done)
            return (null, new End(null, $"chunk {chunk} of {plan.Chunks} (message {id}) {row.State}: {row.LastError}", ReceiverEnded: row.State == MessageStates.Rejected));
        var reply = await reads.LastReplyOutputAsync(id, ct).ConfigureAwait(false);
        var answer = Read(reply);
        if (answer is null) return (null, new End(null, $"chunk {chunk} of {plan.Chunks} (message {id}): the receiver's answer is not a copy answer: {reply}"));
        return answer.Error is { } error ? (null, new End(null, $"{plan.ToNode}: {error}", ReceiverEnded: true)) : (answer, null);
    }

    private static CopyAnswer? Read(string? output)
    {
        try
        {
            return output is null ? null : JsonSerializer.Deserialize(output, StewardJson.Default.CopyAnswer);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Chunk <paramref name="part"/>'s message. Sent on by this node like a reply, it is as patient as the copy's reply
    /// (<c>replyACKTimeout</c>, <c>replyRetries</c>: by default hours of outage), and answered by <c>REQPong</c>, which
    /// only records the receiver's answer on the chunk's message here.
    /// </summary>
    private static Message ChunkMessage(Message copy, CopyArgs.FromArgs args, CopyArgs.Chunk part, byte[] data) =>
        ToReceiver(copy, args, CopyArgs.Of(args, part), data, Methods.Pong);

    private static Message ToReceiver(Message copy, CopyArgs.FromArgs args, string[] methodArgs, byte[] data, string replyMethod) => new()
    {
        ToNode = args.DestinationNode, Method = Methods.CopyFileTo, MethodArgs = methodArgs, Data = data, ReplyMethod = replyMethod,
        AckTimeout = copy.ReplyACKTimeout, Retries = copy.ReplyRetries, RetryWait = copy.RetryWait, ReplyACKTimeout = copy.ReplyACKTimeout,
        ReplyRetries = copy.ReplyRetries, MethodTimeout = copy.MethodTimeout,
    };

    /// <summary>
    /// The largest chunk whose message, base64 and signed, fits the broker's <c>max_payload</c>: measured on a chunk's
    /// message without data, its numbers at their longest, with room for the signature.
    /// </summary>
    private int ChunkBytes(Message copy, CopyArgs.FromArgs args)
    {
        const int signatureAndMargin = 1024;
        var longest = new CopyArgs.Chunk(long.MaxValue, int.MaxValue, int.MaxValue, long.MaxValue, long.MaxValue, new string('f', 64));
        var envelope = JsonSerializer.SerializeToUtf8Bytes(
            ChunkMessage(copy, args, longest, []) with { Id = long.MaxValue, FromNode = nodeName, CreatedAt = long.MaxValue }, StewardJson.Default.Message).Length;
        var fits = (outbox.MaxPayload - envelope - signatureAndMargin) / 4 * 3;
        return (int)Math.Max(ChunkAlignment, fits / ChunkAlignment * ChunkAlignment);
    }

    /// <summary>Tells the receiver the copy is given up: it removes what it has of it, and writes no chunk of it that still comes.</summary>
    private async Task AbortAsync(Message copy, CopyArgs.FromArgs args, CopyOut plan, string reason)
    {
        Log.Aborting(logger, plan.CopyId, args.DestinationNode, reason);
        // Not the copy's methodTimeout: the abort waits for a chunk being written, and cut short it would leave the copy open there.
        await outbox.AcceptAsync(ToReceiver(copy, args, CopyArgs.AbortOf(args, plan.CopyId), Encoding.UTF8.GetBytes(reason), Methods.None)
            with { MethodTimeout = -1 }).ConfigureAwait(false);
    }

    private static HandlerResult Failure(CopyArgs.FromArgs args, string error) =>
        new(Line($"copy of {args.SourcePath} to {args.DestinationNode}:{args.DestinationPath} failed: {error}"), 1, error);

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");

    /// <summary>The chunks answered so far, told to the asker at most every <see cref="ProgressEvery"/>.</summary>
    private sealed class CopyProgress(CopyOut plan, TimeProvider time)
    {
        private readonly HashSet<int> _done = [];
        private long _bytes;
        private DateTimeOffset _told = time.GetUtcNow();

        /// <summary>Counts the chunk; gives the line to tell when it is time to, and not for the last chunk (the final reply says it).</summary>
        public string? Done(int chunk)
        {
            if (_done.Add(chunk)) _bytes += Math.Min(plan.ChunkBytes, plan.Size - (long)chunk * plan.ChunkBytes);
            if (_done.Count == plan.Chunks || time.GetUtcNow() - _told < ProgressEvery) return null;
            _told = time.GetUtcNow();
            return string.Create(CultureInfo.InvariantCulture, $"progress: {_done.Count} of {plan.Chunks} chunks, {_bytes} of {plan.Size} bytes");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(11101, LogLevel.Information, "Copy {CopyId}: sending {Source} to {ToNode} ({Size} bytes in {Chunks} chunks; {Stored} stored before)")]
        public static partial void Sending(ILogger logger, long copyId, string source, string toNode, long size, int chunks, int stored);

        [LoggerMessage(11102, LogLevel.Information, "Copy {CopyId}: {Source} copied to {ToNode}:{Path} ({Size} bytes in {Chunks} chunks)")]
        public static partial void Copied(ILogger logger, long copyId, string source, string toNode, string path, long size, int chunks);

        [LoggerMessage(11103, LogLevel.Warning, "Copy {CopyId}: given up, {ToNode} is told to remove what it has of it: {Reason}")]
        public static partial void Aborting(ILogger logger, long copyId, string toNode, string reason);
    }
}
