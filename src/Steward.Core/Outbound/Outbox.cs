using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Steward.Core.Fleet;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Relay;
using Steward.Core.State;
using Steward.Core.Telemetry;
using Steward.Core.Trust;

namespace Steward.Core.Outbound;

public enum CancelOutcome { NotFound, AlreadyFinal, Cancelled }

/// <summary>
/// Owns an outbound message from intake to its final state: stores it (one per destination, with its id) before the
/// caller hears "accepted", hands it to the publisher of its subject, and records every state it moves through —
/// sent, retrying, acked, replied, done, failed, rejected, cancelled — and the replies and errors that come back for it.
/// Nothing else writes an outbound message's state.
/// </summary>
public sealed partial class Outbox
{
    private readonly StewardOptions _options;
    private readonly NodeStore _store;
    private readonly AuditLog _audit;
    private readonly Deliverer _deliverer;
    private readonly INatsConnection _nats;
    private readonly Publishers _publishers;
    private readonly CancellationRegistry<long> _deliveries;
    private readonly ConcurrentDictionary<long, bool> _resumed = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal Outbox(
        StewardOptions options, NodeStore store, AuditLog audit, INatsConnection nats, MessageSigner signer, KeyRing keys, TaskSupervisor tasks,
        TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _store = store;
        _audit = audit;
        _time = time;
        _logger = loggers.CreateLogger<Outbox>();
        _deliveries = new CancellationRegistry<long>(time);
        _nats = nats;
        _deliverer = new Deliverer(nats, signer, keys, time, loggers.CreateLogger<Deliverer>());
        _publishers = new Publishers(
            (subject, streams) => new Publisher(subject, DeliverAsync, tasks, streams, TimeSpan.FromSeconds(options.PublisherIdleSeconds), time),
            new StreamOrder<(string, long)>(tasks));
        Rollouts = new Rollouts(store, message => _publishers.Enqueue(new Outgoing(message)), time, loggers.CreateLogger<Rollouts>());
    }

    /// <summary>The rollouts of this node's fan-outs, released wave by wave.</summary>
    internal Rollouts Rollouts { get; }

    /// <summary>The largest message the broker takes (its <c>max_payload</c>; NATS' default until connected).</summary>
    internal long MaxPayload => _nats.ServerInfo?.MaxPayload is > 0 and var max ? max : 1024 * 1024;

    /// <summary>The subjects that have a running publisher now.</summary>
    internal IReadOnlyCollection<Publisher> Publishers => _publishers.Running;

    /// <summary>The deliveries waiting for an ACK now.</summary>
    internal IReadOnlyCollection<CancellationRegistry<long>.Running> InFlight => _deliveries.InFlight;

    public async Task<IReadOnlyList<long>> AcceptAsync(params IEnumerable<Message> messages) =>
        (await AcceptMessagesAsync(messages).ConfigureAwait(false)).Select(m => m.Id).ToList();

    /// <summary>
    /// Stores and sends <paramref name="messages"/>; <paramref name="asBatch"/> makes them one fan-out whose id is the
    /// first message's; <paramref name="operatorName"/>, the operator who posted them, goes into their audit log lines.
    /// </summary>
    public Task<IReadOnlyList<Message>> AcceptMessagesAsync(
        IEnumerable<Message> messages, bool asBatch = false, string? operatorName = null, CancellationToken ct = default) =>
        StoreAndSendAsync(new OutboundBatch(PerNode(messages), AsBatch: asBatch), operatorName, ct);

    /// <summary>
    /// Stores and sends <paramref name="message"/> to every node of <paramref name="fanOut"/> as one batch (whose id is the
    /// first message's), recorded with what it resolved; with a rollout, the messages are stored waiting and sent as the
    /// rollout releases them. <paramref name="operatorName"/> goes into their audit log lines.
    /// </summary>
    public async Task<IReadOnlyList<Message>> AcceptFanOutAsync(Message message, FanOut fanOut, string? operatorName = null, CancellationToken ct = default)
    {
        var batch = new OutboundBatch(PerNode([message with { ToNode = null, ToNodes = [.. fanOut.Nodes], ToHosts = null }]));
        var (stored, rollout) = await _store.AddFanOutAsync(batch, fanOut, ct).ConfigureAwait(false);
        // Stored means accepted: from here nothing is cut short, or a stored message would wait for a restart.
        foreach (var m in stored) await _audit.AppendAsync(AuditEntry.Out, m, operatorName, CancellationToken.None).ConfigureAwait(false);
        if (rollout is null)
            foreach (var m in stored) _publishers.Enqueue(new Outgoing(m));
        else
            Rollouts.Follow(stored[0].Id, rollout);
        return stored;
    }

    /// <summary>
    /// Stores and sends the messages of a local input once: none when the same input was taken before, so a node that
    /// crashed after storing them but before removing the file sends them only once.
    /// </summary>
    public async Task<IReadOnlyList<long>> AcceptInputAsync(IEnumerable<Message> messages, LocalInput input, CancellationToken ct = default) =>
        (await StoreAndSendAsync(new OutboundBatch(PerNode(messages), Input: input), null, ct).ConfigureAwait(false)).Select(m => m.Id).ToList();

    /// <summary>
    /// Finishes a received message in one commit with what it sends on (its replies) and, when it is a reply to one of
    /// this node's messages, with that reply recorded and the message's new state: a crash before the commit runs the
    /// received message again, a crash after it never does, so the reply is recorded and sent exactly once.
    /// </summary>
    internal Task FinishAsync(Message received, IEnumerable<Message> send, RecordedReply? reply, CancellationToken ct) =>
        StoreAndSendAsync(new OutboundBatch(PerNode(send), Finishing: received, Reply: reply), null, ct);

    /// <summary>
    /// Reports <paramref name="text"/> to central's error log (or to <paramref name="toNode"/>), naming the message it
    /// concerns; with <paramref name="failsIt"/>, the receiver of the report fails that message, when it sent it here.
    /// </summary>
    public async Task ReportAsync(string text, Message? concerning, string? toNode = null, bool failsIt = false)
    {
        Log.Reporting(_logger, _options.NodeName, text);
        if (ErrorReport.For(text, concerning, _options.NodeName, toNode ?? _options.CentralNodeName, _time.GetUtcNow()) is not { } report) return;
        // As patient as a reply: the report of an outage must outlive the outage.
        await AcceptAsync(report with { Retries = _options.DefaultReplyRetries, MethodArgs = failsIt ? [ErrorReport.Fails] : null }).ConfigureAwait(false);
    }

    /// <summary>
    /// Records an error a node reported about one of this node's messages; when the reporter is the node the message
    /// went to and says it gave up on it, the message fails with that reason.
    /// </summary>
    internal Task RecordReportedErrorAsync(long id, string reporter, string line, bool failsIt, CancellationToken ct) =>
        _store.RecordReportedErrorAsync(id, reporter, _options.NodeName, line, failsIt, ct);

    /// <summary>
    /// Cancels an outbound message: stops its retries, and when it may already have reached its node, asks that node with
    /// <c>REQOpCancel</c> to stop the running method.
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(long id, CancellationToken ct)
    {
        var (outcome, ask) = await CancelRowAsync(id, ct).ConfigureAwait(false);
        if (ask is var (node, _)) await AskToCancelAsync(node, [id]).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>The most messages one clear cancels; a larger queue takes more clears (the answer lists what went).</summary>
    public const int MaxClearedAtOnce = 10_000;

    /// <summary>
    /// Cancels the unfinished messages of this node's queue that <paramref name="filter"/> matches (at most
    /// <see cref="MaxClearedAtOnce"/>), each as <see cref="CancelAsync"/> does, but with one <c>REQOpCancel</c> per node
    /// for all of its messages that may have reached it: the original's "remove messages from the queue, by id and/or
    /// age". Gives the ids it cancelled.
    /// </summary>
    public async Task<IReadOnlyList<long>> CancelQueuedAsync(QueueFilter filter, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var before = filter.OlderThan is { } age ? (age < now - DateTime.MinValue ? now - age : DateTime.MinValue) : (DateTime?)null;
        var matching = await _store.Reads.UnfinishedOutboundAsync(filter.ToNode, filter.State, before, filter.Ids, ct).ConfigureAwait(false);
        var cancelled = new List<long>();
        var asks = new List<(string Node, long Id)>();
        // Once the first is cancelled, the clear runs to the end: a client that leaves must not leave half of it undone.
        foreach (var id in matching.Take(MaxClearedAtOnce))
        {
            var (outcome, ask) = await CancelRowAsync(id, cancelled.Count == 0 ? ct : CancellationToken.None).ConfigureAwait(false);
            if (outcome == CancelOutcome.Cancelled) cancelled.Add(id);
            if (ask is { } one) asks.Add(one);
        }
        foreach (var perNode in asks.GroupBy(a => a.Node, StringComparer.Ordinal))
            await AskToCancelAsync(perNode.Key, perNode.Select(a => a.Id).ToList()).ConfigureAwait(false);
        return cancelled;
    }

    /// <summary>
    /// Records the cancel and stops the delivery; says which node to ask to stop the method when the message may have
    /// reached it (never for a cancel or a clear itself: asking would queue a new message for every one cancelled).
    /// </summary>
    private async Task<(CancelOutcome Outcome, (string Node, long Id)? Ask)> CancelRowAsync(long id, CancellationToken ct)
    {
        if (await _store.Reads.FindOutboundAsync(id, ct).ConfigureAwait(false) is not { } row) return (CancelOutcome.NotFound, null);
        if (MessageStates.IsFinal(row.State)) return (CancelOutcome.AlreadyFinal, null);
        // A waiting message of a rollout may be released (and handed to its publisher) while it is cancelled: as a queued one.
        var delivering = row.State is MessageStates.Waiting or MessageStates.Queued or MessageStates.Sent or MessageStates.Retrying;
        var deliveryWasRunning = delivering && _deliveries.TryCancel(id, orWhenItStarts: true);
        // From here the cancel is recorded whole: its delivery may be stopped already, and nothing else would record it.
        // Still waiting in its publisher, unless its delivery ended (and committed its outcome) since the first read, or it
        // was resumed after a restart (it may have been sent before).
        var neverSent = row.State is MessageStates.Waiting or MessageStates.Queued && !deliveryWasRunning && !_resumed.ContainsKey(id) &&
                        (await _store.Reads.FindOutboundAsync(id, CancellationToken.None).ConfigureAwait(false))?.State is MessageStates.Waiting or MessageStates.Queued;
        if (!await _store.SetStateAsync(id, MessageStates.Cancelled, error: "cancelled by the operator", ct: CancellationToken.None).ConfigureAwait(false))
            return (CancelOutcome.AlreadyFinal, null);   // it ended between the read and the write
        if (row is { State: MessageStates.Waiting, BatchId: { } rollout }) Rollouts.Wake(rollout);   // it may have been the last one waiting
        var isOp = row.Method is Methods.OpCancel or Methods.OpClearQueue;
        return (CancelOutcome.Cancelled, neverSent || isOp ? null : (row.ToNode, id));
    }

    /// <summary>It may be on the node already, or arrive there later: the node stops it, or remembers not to run it.</summary>
    private async Task AskToCancelAsync(string node, IReadOnlyList<long> ids) =>
        await AcceptAsync(new Message
        {
            ToNode = node, Method = Methods.OpCancel, MethodArgs = ids.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(),
            ReplyMethod = Methods.None,
        }).ConfigureAwait(false);

    /// <summary>Sends again, oldest first, what was stored but not ACKed before the node stopped.</summary>
    internal async Task<int> ResumeAsync(CancellationToken ct)
    {
        var undelivered = await _store.Reads.UndeliveredAsync(ct).ConfigureAwait(false);
        // "sent" is committed late (DeferredSent), so a resumed "queued" row may have reached its node before the restart.
        foreach (var (message, _) in undelivered) _resumed[message.Id] = true;
        foreach (var (message, attempts) in undelivered) _publishers.Enqueue(new Outgoing(message, attempts));
        return undelivered.Count;
    }

    /// <summary>
    /// One message per destination ("local" is this node), with this node's defaults, its creation time and the span it is
    /// accepted in (else the input's own traceparent); wrapped for its relay.
    /// </summary>
    private List<Message> PerNode(IEnumerable<Message> messages)
    {
        var createdAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var traceParent = StewardTracing.Current();
        return messages.SelectMany(m => m.Destinations().Select(node => node == NodeName.Local ? _options.NodeName : node).Distinct()
                .Select(node => MessageLimits.WithDefaults(m with
                {
                    Id = 0, ToNode = node, ToNodes = null, ToHosts = null, FromNode = _options.NodeName, CreatedAt = createdAt, Signature = null,
                    TraceParent = traceParent ?? StewardTracing.Valid(m.TraceParent),
                    Selector = null, OnlyOnline = false, MaxConcurrency = null, MaxErrors = null, BatchSleepSeconds = 0,   // resolved at intake
                }, _options)))
            .Select(m => RelayPolicy.Wraps(m, _options.NodeName) ? RelayPolicy.Wrap(m) : m)
            .ToList();
    }

    private async Task<IReadOnlyList<Message>> StoreAndSendAsync(OutboundBatch batch, string? operatorName, CancellationToken ct)
    {
        var stored = await _store.AddOutboundAsync(batch, ct).ConfigureAwait(false);
        foreach (var message in stored)
        {
            // Stored means accepted: from here nothing is cut short, or a stored message would wait for a restart.
            await _audit.AppendAsync(AuditEntry.Out, message, operatorName, CancellationToken.None).ConfigureAwait(false);
            _publishers.Enqueue(new Outgoing(message));
        }
        return stored;
    }

    /// <summary>Delivers one message and records each state it moves through, ending with one the operator can trust.</summary>
    private async Task DeliverAsync(Outgoing outgoing, CancellationToken stopping)
    {
        var message = outgoing.Message;
        Task attemptRecorded = Task.CompletedTask;
        DeferredSent? sent = null;
        // Registered until the outcome is committed: a cancel or a reply that comes in between finds it in delivery,
        // not a "queued" row that looks never sent.
        using var delivery = _deliveries.Register(message.Id, message, stopping);
        // An attempt's state is for the operator: the ACK does not wait for its commit, but the final state does.
        var outcome = await _deliverer.DeliverAsync(outgoing, attempt =>
        {
            if (attempt == 1) sent = new DeferredSent(_time, () => _store.SetStateAsync(message.Id, MessageStates.Sent, 1, ct: CancellationToken.None));
            else attemptRecorded = RecordRetryAsync(attemptRecorded, sent, message.Id, attempt);
        }, () => sent?.RecordNow(), delivery.Token).ConfigureAwait(false);
        using (sent)
        {
            var sentFirst = sent is not null && await sent.ClaimAsync().ConfigureAwait(false);
            await attemptRecorded.ConfigureAwait(false);
            stopping.ThrowIfCancellationRequested();   // the node stops: the row stays unfinished and is sent again on restart
            await RecordOutcomeAsync(message, outcome, sentFirst).ConfigureAwait(false);
            _resumed.TryRemove(message.Id, out _);
        }
    }

    /// <summary>From here the outcome is recorded whole, even when the node begins to stop.</summary>
    private async Task RecordOutcomeAsync(Message message, DeliveryOutcome outcome, bool sentFirst)
    {
        var id = message.Id;
        switch (outcome.How)
        {
            case Delivered.Acked:
                var acked = RelayPolicy.ReplyExpected(message) ? MessageStates.Acked : MessageStates.Done;
                await _store.SetStateAsync(id, acked, outcome.Attempts, ct: CancellationToken.None, sentFirst: sentFirst).ConfigureAwait(false);
                break;
            case Delivered.Published:
                await _store.SetStateAsync(id, MessageStates.Done, outcome.Attempts, ct: CancellationToken.None).ConfigureAwait(false);
                break;
            case Delivered.Rejected:
                await _store.SetStateAsync(id, MessageStates.Rejected, outcome.Attempts, outcome.Error, sentFirst, CancellationToken.None).ConfigureAwait(false);
                await ReportGivenUpAsync(message, $"toNode: {message.ToNode}, fromNode: {message.FromNode}, method: {message.Method}: rejected: {outcome.Error}")
                    .ConfigureAwait(false);
                break;
            case Delivered.Failed:
                await _store.SetStateAsync(id, MessageStates.Failed, outcome.Attempts, outcome.Error, sentFirst, CancellationToken.None).ConfigureAwait(false);
                await ReportGivenUpAsync(message, outcome.Error!).ConfigureAwait(false);
                break;
            case Delivered.Cancelled:
                break;   // the operator cancelled it: CancelAsync recorded that
        }
    }

    /// <summary>A retry is recorded at once, after the first attempt's <c>sent</c> (claimed here when still deferred).</summary>
    private async Task RecordRetryAsync(Task previous, DeferredSent? sent, long id, int attempt)
    {
        await previous.ConfigureAwait(false);
        var sentFirst = sent is not null && await sent.ClaimAsync().ConfigureAwait(false);
        await _store.SetStateAsync(id, MessageStates.Retrying, attempt, ct: CancellationToken.None, sentFirst: sentFirst).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether message <paramref name="id"/> may be on its node though its row may still say "queued": its delivery runs
    /// now (until its outcome is committed), or it was resumed after a restart and not finished since.
    /// </summary>
    internal bool MaybeSent(long id) => _deliveries.IsRunning(id) || _resumed.ContainsKey(id);

    /// <summary>
    /// To central; a reply given up also fails the message it answers on its sender, and a message relayed here also
    /// fails the relay message on the node it came from.
    /// </summary>
    private async Task ReportGivenUpAsync(Message message, string error)
    {
        if (message is { IsReply: true, PreviousMessage: { FromNode: { } sender } request })
        {
            await ReportAsync($"the reply could not be delivered: {error}", request, toNode: sender, failsIt: true).ConfigureAwait(false);
            return;
        }
        await ReportAsync(error, message).ConfigureAwait(false);
        if (RelayPolicy.RelayedFrom(message) is var (origin, relay))
            await ReportAsync(error, relay, toNode: origin, failsIt: true).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(7001, LogLevel.Warning, "Node {Node} reports to central's error log: {Text}")]
        public static partial void Reporting(ILogger logger, string node, string text);
    }
}
