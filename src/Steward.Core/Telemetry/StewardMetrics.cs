using System.Diagnostics.Metrics;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Telemetry;

/// <summary>
/// A node's instruments (docs/metrics.md), on a <see cref="Meter"/> named <see cref="MeterName"/>: what happens to the
/// messages it sends (read from its store's commits, so a count is never of something a rollback undid), the messages it
/// refuses, its database's commits, and on the gateway the nodes online and the open event streams. The hosts export
/// them (<c>AddStewardMetrics</c>); the hello carries a few of them to central (<see cref="Summary"/>).
/// </summary>
/// <para>One set per node: a meter from the host's <see cref="IMeterFactory"/> is seen only by that host's exporter, so
/// several nodes in one process (the tests) never count into each other.</para>
public sealed class StewardMetrics : IDisposable
{
    public const string MeterName = "Steward";

    // Seconds, from a LAN's milliseconds to a satellite link's hours of outage (a message waits and retries that long).
    private static readonly double[] DeliveryBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 6 * 3600];

    // Seconds: a commit takes tens of microseconds with synchronous=OFF, milliseconds with an fsync, more on an SD card.
    private static readonly double[] CommitBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _final;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _ackLatency;
    private readonly Histogram<double> _doneLatency;
    private readonly Histogram<double> _commit;
    private readonly UpDownCounter<long> _eventStreams;
    private Func<int>? _nodesOnline;
    private long _done, _failed, _retriesSoFar, _rejectedSoFar;

    /// <param name="meters">The host's factory; without one (a node made outside a host) the meter is process-wide.</param>
    public StewardMetrics(IMeterFactory? meters)
    {
        var options = new MeterOptions(MeterName);
        _ownsMeter = meters is null;
        _meter = meters?.Create(options) ?? new Meter(options);
        _accepted = _meter.CreateCounter<long>("steward.messages.accepted", "{message}", "Messages this node stored to send, by method");
        _final = _meter.CreateCounter<long>("steward.messages.final", "{message}",
            "Messages this node sent that reached a final state (done, failed, rejected, cancelled), by method and state");
        _retries = _meter.CreateCounter<long>("steward.delivery.retries", "{attempt}", "Resends of a message whose receiver did not ACK in time, by method");
        _rejected = _meter.CreateCounter<long>("steward.inbound.rejected", "{message}",
            "Messages this node refused on arrival, by reason: invalid, untrusted (signature, key or rules), refused (cannot run here), replay");
        _ackLatency = _meter.CreateHistogram("steward.delivery.ack.duration", "s",
            "From a message's storing to the first sign its receiver has it (its ACK, or a reply that came first), by method",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryBuckets });
        _doneLatency = _meter.CreateHistogram("steward.delivery.done.duration", "s", "From a message's storing to its done, by method",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryBuckets });
        _commit = _meter.CreateHistogram("steward.sqlite.commit.duration", "s",
            "One group commit of the node database: its writes applied and committed (with the fsync its durability asks for)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        _eventStreams = _meter.CreateUpDownCounter<long>("steward.gateway.event_streams", "{stream}", "Server-sent event streams open now (gateway)");
        _meter.CreateObservableGauge("steward.nodes.online", ObserveNodesOnline, "{node}",
            "Nodes whose last hello came within two hello intervals, as GET /nodes shows them online (central only)");
    }

    /// <summary>
    /// What the hello tells central: this node's messages done and failed, retries and refused arrivals since it started.
    /// </summary>
    public HelloMetrics Summary() => new(
        Interlocked.Read(ref _done), Interlocked.Read(ref _failed), Interlocked.Read(ref _retriesSoFar), Interlocked.Read(ref _rejectedSoFar));

    /// <summary>Counts the nodes online when the gauge is read; set on central, where the hellos arrive.</summary>
    public void ObserveNodesOnlineWith(Func<int> count) => _nodesOnline = count;

    private IEnumerable<Measurement<int>> ObserveNodesOnline() => _nodesOnline is { } count ? [new Measurement<int>(count())] : [];

    /// <summary>What one commit of the node database wrote, once it is committed, and how long the commit took.</summary>
    internal void Committed(CommittedItems items, TimeSpan took)
    {
        _commit.Record(took.TotalSeconds);
        foreach (var move in items.Moves) Moved(move);
    }

    private void Moved(StateMove move)
    {
        var method = new KeyValuePair<string, object?>("method", move.Method);
        if (move.From is null)
        {
            _accepted.Add(1, method);
            return;
        }
        if (move.To == MessageStates.Retrying)
        {
            _retries.Add(1, method);
            Interlocked.Increment(ref _retriesSoFar);
        }
        var seconds = Math.Max(0, (move.At - move.CreatedAt).TotalSeconds);
        // A reply may be committed before the ACK of its request: either is the first sign that the receiver has it.
        if (move.From is MessageStates.Queued or MessageStates.Sent or MessageStates.Retrying
            && move.To is MessageStates.Acked or MessageStates.Replied or MessageStates.Done && Methods.IsAcknowledged(move.Method))
            _ackLatency.Record(seconds, method);
        if (!MessageStates.IsFinal(move.To)) return;
        _final.Add(1, method, new KeyValuePair<string, object?>("state", move.To));
        if (move.To == MessageStates.Done)
        {
            _doneLatency.Record(seconds, method);
            Interlocked.Increment(ref _done);
        }
        else if (move.To == MessageStates.Failed) Interlocked.Increment(ref _failed);
    }

    /// <summary>A message refused on arrival; <paramref name="reason"/> is one of <see cref="Refusals"/>.</summary>
    internal void Rejected(string reason)
    {
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Interlocked.Increment(ref _rejectedSoFar);
    }

    /// <summary>An event stream opened (+1) or ended (-1).</summary>
    public void EventStream(int delta) => _eventStreams.Add(delta);

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();   // a factory's meters are the factory's to dispose
    }
}

/// <summary>The reasons of <c>steward.inbound.rejected</c>.</summary>
internal static class Refusals
{
    /// <summary>Not a message: malformed JSON, or fields that fail validation.</summary>
    public const string Invalid = "invalid";

    /// <summary>A signature that does not verify, an unknown key, or a method its sender may not call here.</summary>
    public const string Untrusted = "untrusted";

    /// <summary>Trusted and valid, but not for this node or not served here.</summary>
    public const string Refused = "refused";

    /// <summary>The same relayed origin or reply position again under another id.</summary>
    public const string Replay = "replay";
}
