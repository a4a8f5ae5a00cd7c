using System.Threading.Channels;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Outbound;

/// <summary>
/// The publisher for one subject: a channel and one pump that starts a task per message, so a stuck message never
/// holds up another. Replies of one request go in order, kept by the node-wide <paramref name="streams"/> so that a
/// stream outlives the publisher retiring. It retires itself after a quiet spell.
/// </summary>
internal sealed class Publisher(
    string subject, Func<Outgoing, CancellationToken, Task> deliver, TaskSupervisor tasks, StreamOrder<(string, long)> streams,
    TimeSpan idleAfter, TimeProvider time)
{
    // Unbounded is safe only because the SQLite row is the real queue: this channel holds references, not state.
    private readonly Channel<Outgoing> _queue = Channel.CreateUnbounded<Outgoing>(new() { SingleReader = true });
    private int _started;

    public string Subject => subject;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public bool TryEnqueue(Outgoing outgoing) => _queue.Writer.TryWrite(outgoing);

    /// <summary>Starts the pump once; <paramref name="retired"/> runs when it has retired.</summary>
    public void EnsureStarted(Action<Publisher> retired)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return;
        tasks.RunLoop($"publisher {subject}", async stopping =>
        {
            while (await WaitForWorkAsync(stopping).ConfigureAwait(false))
                while (_queue.Reader.TryRead(out var outgoing)) Start(outgoing);
            retired(this);
        });
    }

    private async Task<bool> WaitForWorkAsync(CancellationToken stopping)
    {
        using var idle = new CancellationTokenSource(idleAfter, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, stopping);
        try
        {
            return await _queue.Reader.WaitToReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            _queue.Writer.TryComplete();   // retire: later writes fail and go to a new publisher; drain what slipped in
            return await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false);
        }
    }

    private void Start(Outgoing outgoing)
    {
        var message = outgoing.Message;
        var what = $"delivery of message {message.Id} to {message.ToNode}";
        if (message is not { IsReply: true, PreviousMessage: { } request })
        {
            tasks.Start(what, ct => deliver(outgoing, ct));
            return;
        }
        streams.Run((request.FromNode ?? "", request.Id), what, ct => deliver(outgoing, ct));
    }
}
