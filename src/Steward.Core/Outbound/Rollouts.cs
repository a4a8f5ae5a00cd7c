using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Outbound;

/// <summary>
/// Paces the rollouts of this node's fan-outs: a rollout takes a step (<see cref="FleetWrites.AdvanceRollout"/>)
/// whenever one of its released messages reaches a final state, and when the sleep before its next wave is over; the
/// messages a step releases go to their publishers. The steps are commits, so after a restart every rollout goes on
/// from its rows: the released ones resume as any queued message does, the waiting ones wait for their step.
/// </summary>
internal sealed partial class Rollouts
{
    private readonly NodeStore _store;
    private readonly Action<Message> _send;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, long> _rolloutOf = new();   // released message not yet final → its rollout
    private readonly ConcurrentDictionary<long, DateTime?> _following = new();   // rollout → when its next wave is due, if it sleeps
    private readonly Channel<long> _due = Channel.CreateUnbounded<long>();

    public Rollouts(NodeStore store, Action<Message> send, TimeProvider time, ILogger logger)
    {
        (_store, _send, _time, _logger) = (store, send, time, logger);
        store.StateChanged += (id, state) =>
        {
            if (MessageStates.IsFinal(state) && _rolloutOf.TryRemove(id, out var rollout)) Wake(rollout);
        };
    }

    /// <summary>Takes over a rollout after a step (its first, in the commit that stored it): follows it and sends what the step released.</summary>
    public void Follow(long rollout, RolloutAdvance advance)
    {
        // Registered before they are sent: a message cannot end before its rollout hears of it.
        foreach (var message in advance.Released) _rolloutOf[message.Id] = rollout;
        if (advance.Active) _following[rollout] = advance.NextWaveAt;
        else _following.TryRemove(rollout, out _);
        if (advance.Released.Count > 0) Log.Released(_logger, rollout, advance.Released.Count, advance.State);
        foreach (var message in advance.Released) _send(message);
    }

    /// <summary>Asks rollout <paramref name="rollout"/> for a step soon, e.g. after one of its waiting messages was cancelled.</summary>
    public void Wake(long rollout) => _due.Writer.TryWrite(rollout);

    /// <summary>
    /// Before the outbox resumes the undelivered: every unfinished rollout with its released messages that are not final,
    /// so one that ends as soon as it is resumed is heard of.
    /// </summary>
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        foreach (var (rollout, inFlight) in await _store.Reads.RolloutsToFollowAsync(ct).ConfigureAwait(false))
        {
            _following[rollout] = null;
            foreach (var id in inFlight) _rolloutOf[id] = rollout;
        }
        return _following.Count;
    }

    /// <summary>The loop: a step for every rollout at start (a restart may have cut one short), then whenever one is due.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        foreach (var rollout in _following.Keys) Wake(rollout);
        Task<bool>? woken = null;
        while (true)
        {
            var due = new HashSet<long>();
            while (_due.Reader.TryRead(out var rollout)) due.Add(rollout);
            var now = _time.GetUtcNow().UtcDateTime;
            foreach (var (rollout, next) in _following)
                if (next <= now) due.Add(rollout);
            foreach (var rollout in due) await StepAsync(rollout, stopping).ConfigureAwait(false);
            if (due.Count > 0) continue;

            woken ??= _due.Reader.WaitToReadAsync(stopping).AsTask();
            var nextWave = _following.Values.Min();
            if (nextWave is { } at) await Task.WhenAny(woken, Task.Delay(Max(at - now, TimeSpan.Zero), _time, stopping)).ConfigureAwait(false);
            else await woken.ConfigureAwait(false);
            stopping.ThrowIfCancellationRequested();
            if (woken.IsCompleted)
            {
                await woken.ConfigureAwait(false);
                woken = null;
            }
        }
    }

    private async Task StepAsync(long rollout, CancellationToken stopping)
    {
        if (await _store.AdvanceRolloutAsync(rollout, stopping).ConfigureAwait(false) is { } advance) Follow(rollout, advance);
        else _following.TryRemove(rollout, out _);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static partial class Log
    {
        [LoggerMessage(7101, LogLevel.Information, "Rollout {Rollout} released {Count} message(s); it is {State}")]
        public static partial void Released(ILogger logger, long rollout, int count, string state);
    }
}
