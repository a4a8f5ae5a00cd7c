namespace Steward.Core.Outbound;

/// <summary>
/// The <c>sent</c> of a message's first attempt, committed on its own only when the ACK is slow. A message ACKed within
/// <see cref="Grace"/> records <c>sent</c> in the same commit as its outcome: one fsync instead of two on every
/// delivery, while a message waiting on a slow or absent node still shows <c>sent</c> after that moment.
/// </summary>
internal sealed class DeferredSent : IDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(250);
    private const int Pending = 0, Recorded = 1, Claimed = 2;
    private readonly TaskCompletionSource<Task> _recording = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _timer;
    private int _state;

    /// <param name="record">Commits <c>sent</c>; called at most once, by the timer, when nobody claimed it first.</param>
    public DeferredSent(TimeProvider time, Func<Task> record) =>
        _timer = time.CreateTimer(_ =>
        {
            if (Interlocked.CompareExchange(ref _state, Recorded, Pending) == Pending) _recording.SetResult(record());
        }, null, Grace, Timeout.InfiniteTimeSpan);

    /// <summary>The attempt went unanswered: no ACK is coming soon, so <c>sent</c> is committed now (unless claimed).</summary>
    public void RecordNow() => _timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// True when the caller now records <c>sent</c> itself, with its next write; false when it was recorded already (by
    /// the timer, whose commit this waits for, or by an earlier claimant).
    /// </summary>
    public async Task<bool> ClaimAsync()
    {
        var was = Interlocked.CompareExchange(ref _state, Claimed, Pending);
        if (was == Recorded) await (await _recording.Task.ConfigureAwait(false)).ConfigureAwait(false);
        return was == Pending;
    }

    public void Dispose() => _timer.Dispose();
}
