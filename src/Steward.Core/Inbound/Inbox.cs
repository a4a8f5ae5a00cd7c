using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Outbound;
using Steward.Core.State;
using Steward.Core.Telemetry;
using Steward.Core.Trust;

namespace Steward.Core.Inbound;

/// <summary>
/// Owns a received message from the wire to its end: subscribe, verify, store, ACK (<see cref="Receiver"/>), run and
/// reply (<see cref="Executor"/>); each message its own supervised task, the replies of one request in the order they
/// came. On start it runs again what was ACKed but not finished.
/// </summary>
internal sealed partial class Inbox
{
    private readonly StewardOptions _options;
    private readonly NatsConnection _nats;
    private readonly NodeStore _store;
    private readonly TaskSupervisor _tasks;
    private readonly Receiver _receiver;
    private readonly Executor _executor;
    private readonly StreamOrder<(string, long)> _replyStreams;
    private readonly IReadOnlyList<string> _methods;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<StewardStartupException> _unusable = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Inbox(
        StewardOptions options, NatsConnection nats, NodeStore store, AuditLog audit, HandlerRegistry handlers, ArrivalCheck trust,
        MessageSigner signer, Outbox outbox, CancellationRegistry<(string, long)> runningMethods, TaskSupervisor tasks, StewardMetrics metrics, TimeProvider time,
        ILoggerFactory loggers)
    {
        _options = options;
        _nats = nats;
        _store = store;
        _tasks = tasks;
        _time = time;
        _logger = loggers.CreateLogger<Inbox>();
        _replyStreams = new StreamOrder<(string, long)>(tasks);
        _methods = handlers.Methods;
        _receiver = new Receiver(options.NodeName, handlers, store, audit, trust, signer, outbox, metrics, loggers.CreateLogger<Receiver>());
        _executor = new Executor(options.NodeName, handlers, store, outbox, runningMethods, time, loggers.CreateLogger<Executor>());
    }

    /// <summary>Completes once the subscription exists on the broker; fails when <see cref="Unusable"/> does.</summary>
    public Task Receiving => _subscribed.Task;

    /// <summary>Completes when the node can never work as configured (e.g. it does not trust the broker's certificate).</summary>
    public Task<StewardStartupException> Unusable => _unusable.Task;

    /// <summary>Runs again, oldest first, what was ACKed but did not finish before the node stopped.</summary>
    public async Task<int> ResumeAsync(CancellationToken ct)
    {
        var unfinished = await _store.Reads.UnfinishedInboundAsync(ct).ConfigureAwait(false);
        // An append a crash cut short finishes first, one at a time and before anything else may append to its file:
        // then what it finds at its recorded start can only be its own bytes (NodeFiles.AppendOnceAsync).
        foreach (var (message, started, _) in unfinished.Where(u => u.AppendBegun))
            await _executor.ResumeAsync(message, started, ct).ConfigureAwait(false);
        foreach (var (message, started, _) in unfinished.Where(u => !u.AppendBegun))
            Run(message, stopping => _executor.ResumeAsync(message, started, stopping));
        return unfinished.Count;
    }

    /// <summary>The subscription loop: every message that arrives is taken in by its own task.</summary>
    public async Task ReceiveAsync(CancellationToken stopping)
    {
        var node = _options.NodeName;
        if (await BrokerCheck.ProblemAsync(_nats.Opts, _options, _time, why => Log.Refused(_logger, node, why), stopping).ConfigureAwait(false) is { } problem)
        {
            GiveUp(problem);
            return;   // not a crash: a restart would fail the same way
        }
        await _nats.ConnectAsync().ConfigureAwait(false);
        var subscription = await _nats.SubscribeCoreAsync<byte[]>(Subjects.AllFor(node), queueGroup: node, cancellationToken: stopping).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            _subscribed.TrySetResult();
            Log.Started(_logger, node, BrokerUrls.ForLog(_options.Broker), _options.ResolvedDataFolder, string.Join(",", _methods));
            await foreach (var msg in subscription.Msgs.ReadAllAsync(stopping).ConfigureAwait(false))
                _tasks.Start($"receiving on {msg.Subject}", async ct =>
                {
                    if (await _receiver.ReceiveAsync(msg, ct).ConfigureAwait(false) is var (received, answered))
                        Run(received, stopping => _executor.RunAsync(received, answered, stopping));
                });
        }
    }

    /// <summary>The node can never connect as configured: one line, and the host stops (exit code 2).</summary>
    private void GiveUp(string problem)
    {
        Log.CannotConnect(_logger, problem);
        var unusable = new StewardStartupException(problem);
        _subscribed.TrySetException(unusable);
        _unusable.TrySetResult(unusable);
    }

    /// <summary>Runs a received message (or resumes it); the replies of one request are handled in the order they came.</summary>
    private void Run(Message message, Func<CancellationToken, Task> run)
    {
        var what = $"method {message.Method} of message {message.Id} from {message.FromNode}";
        if (message is { IsReply: true, PreviousMessage: { } request }) _replyStreams.Run((request.FromNode ?? "", request.Id), what, run);
        else _tasks.Start(what, run);
    }

    private static partial class Log
    {
        [LoggerMessage(6005, LogLevel.Warning, "Node {Node} cannot log in: {Why}")]
        public static partial void Refused(ILogger logger, string node, string why);

        [LoggerMessage(6001, LogLevel.Information, "Node {Node} started: broker {Broker}, data {DataFolder}, serving {Methods}")]
        public static partial void Started(ILogger logger, string node, string broker, string dataFolder, string methods);

        [LoggerMessage(6007, LogLevel.Critical, "{Problem}")]
        public static partial void CannotConnect(ILogger logger, string problem);
    }
}
