using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Steward.Core.Fleet;
using Steward.Core.Handlers;
using Steward.Core.Inbound;
using Steward.Core.Messages;
using Steward.Core.Outbound;
using Steward.Core.State;
using Steward.Core.Telemetry;
using Steward.Core.Trust;

namespace Steward.Core.Node;

/// <summary>
/// One Steward node, composed: its key and trust, its SQLite file, its broker connection, the <see cref="Outbox"/> that
/// owns what it sends, the <see cref="Inbox"/> that owns what it receives, and the supervisor that owns every task.
/// Holds no static state, so several nodes can share a process.
/// </summary>
public sealed partial class NodeRuntime : IAsyncDisposable
{
    private const string ErrorReportTask = "error report";
    private readonly StewardOptions _options;
    private readonly NatsConnection _nats;
    private readonly TaskSupervisor _tasks;
    private readonly CancellationRegistry<(string, long)> _runningMethods;
    private readonly Inbox _inbox;
    private readonly AuditLog _audit;
    private readonly NodeKey _key;
    private readonly MessageSigner _signer;
    private readonly TimeProvider _time;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };   // REQHttpGet's limit is methodTimeout
    private readonly ILogger _logger;
    private int _disposed;

    /// <param name="meters">The host's meter factory, so only the host's exporter sees this node's metrics; null outside a host.</param>
    public NodeRuntime(
        StewardOptions options, TimeProvider time, ILoggerFactory loggers, IEnumerable<IMethodHandler>? extraHandlers = null, IMeterFactory? meters = null)
    {
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<NodeRuntime>();
        Metrics = new StewardMetrics(meters);
        Context = new NodeContext(options.NodeName, options.ResolvedDataFolder);
        Store = new NodeStore(Context.DataFolder, options.Durability, time, loggers.CreateLogger<NodeStore>(), Metrics);
        // Hellos arrive at central: there the gauge counts the nodes GET /nodes shows online.
        if (options.NodeName == options.CentralNodeName)
            Metrics.ObserveNodesOnlineWith(() => Store.Reads.NodesSeenSince(time.GetUtcNow().UtcDateTime - NodesOnline.Within(options)));
        _key = NodeKey.LoadOrCreate(Context.DataFolder);
        Keys = new KeyRing(Context.DataFolder, options.NodeName, _key.PublicKey, options.TrustedKeys);
        Rules = new MethodRules(Context.DataFolder, options.CentralNodeName, options.Allow);
        _signer = new MessageSigner(_key);
        _audit = new AuditLog(Context.DataFolder, options.AuditLogMaxBytes, options.AuditLogFilesKept, time, loggers.CreateLogger<AuditLog>());
        _nats = new NatsConnection(BrokerConnection.Options(options, _key, loggers));
        BrokerEvents.Follow(_nats, options.NodeName, time, loggers.CreateLogger<BrokerEvents>());
        _tasks = new TaskSupervisor(time, loggers.CreateLogger<TaskSupervisor>());
        _runningMethods = new CancellationRegistry<(string, long)>(time);
        Outbox = new Outbox(options, Store, _audit, _nats, _signer, Keys, _tasks, time, loggers);
        Handlers = HandlerRegistry.Create(
            Context, Store, Outbox, _runningMethods, time, _http, Processes, options, extraHandlers ?? [], Keys, Rules, loggers, _tasks.Stopping);
        Enrolment = new Enrolment(Keys, Outbox);
        var trust = new ArrivalCheck(
            options.NodeName, options.CentralNodeName, Keys, Rules, TimeSpan.FromDays(options.DedupRetentionDays), time, Store.Reads,
            Outbox.MaybeSent, Store.WritesSoFarCommittedAsync);
        _inbox = new Inbox(options, _nats, Store, _audit, Handlers, trust, _signer, Outbox, _runningMethods, _tasks, Metrics, time, loggers);
    }

    public string NodeName => _options.NodeName;

    /// <summary>This node's instruments (docs/metrics.md).</summary>
    public StewardMetrics Metrics { get; }
    public NodeContext Context { get; }
    internal NodeStore Store { get; }
    public HandlerRegistry Handlers { get; }

    /// <summary>Where this node's messages go out: accept, cancel, report errors.</summary>
    public Outbox Outbox { get; }

    /// <summary>What an operator reads: messages, their events, fan-outs, the error log, the nodes seen (EF Core: the gateway's).</summary>
    public IOperatorQueries Queries
    {
        [RequiresUnreferencedCode(NodeQueries.NeedsEfCore), RequiresDynamicCode(NodeQueries.NeedsEfCore)]
        get => Store.Queries;
    }

    /// <summary>Committed events of a message, a fan-out or the error log, pushed to the streams that follow them.</summary>
    public EventFeed Feed => Store.Feed;

    /// <summary>The public keys this node trusts, by node; on central also the keys waiting for approval.</summary>
    public KeyRing Keys { get; }

    /// <summary>Approving nodes' keys (on central).</summary>
    public Enrolment Enrolment { get; }

    /// <summary>Which sender may call which methods here.</summary>
    public MethodRules Rules { get; }

    /// <summary>This node's public key (its identity, and its broker login).</summary>
    public string PublicKey => _key.PublicKey;
    public INatsConnection Broker => _nats;

    /// <summary>The subjects that have a running publisher now.</summary>
    public IReadOnlyList<string> PublisherSubjects => Outbox.Publishers.Select(p => p.Subject).ToList();

    /// <summary>Completes once the node's subscription exists on the broker; fails when <see cref="Unusable"/> does.</summary>
    public Task Receiving => _inbox.Receiving;

    /// <summary>Completes when the node can never work as configured (e.g. it does not trust the broker's certificate): the host stops, exit code 2.</summary>
    public Task<StewardStartupException> Unusable => _inbox.Unusable;

    /// <summary>
    /// Resumes unfinished work, oldest first, and starts connecting in the background: a node whose broker is
    /// unreachable still starts, accepts and stores messages, and delivers them once the broker is back.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var rollouts = await Outbox.Rollouts.LoadAsync(ct).ConfigureAwait(false);   // first: a resumed message may end at once
        var undelivered = await Outbox.ResumeAsync(ct).ConfigureAwait(false);
        var unfinished = await _inbox.ResumeAsync(ct).ConfigureAwait(false);
        Log.Resumed(_logger, NodeName, undelivered, unfinished, rollouts);

        _tasks.RunLoop($"receiver of {NodeName}", _inbox.ReceiveAsync);
        _tasks.RunLoop(ErrorReportTask, ReportCrashesAsync);
        _tasks.RunLoop($"rollouts of {NodeName}", Outbox.Rollouts.RunAsync);
        _tasks.RunLoop($"retention of {NodeName}", ForgetOldAsync);
        if (NodeName != _options.CentralNodeName) _tasks.RunLoop($"hello of {NodeName}", new HelloSender(_options, _nats, _audit, _signer, _key.PublicKey, Keys, Metrics, _time).RunAsync);
    }

    public Task<CancelOutcome> CancelAsync(long id, CancellationToken ct) => Outbox.CancelAsync(id, ct);

    /// <summary>
    /// Sets the labels an operator gives node <paramref name="name"/> on central (an empty set removes them): they win over
    /// the labels of its hello, and its later hellos keep them.
    /// </summary>
    public Task SetNodeLabelsAsync(string name, IReadOnlyDictionary<string, string> labels, string? operatorName) =>
        Store.SetNodeLabelsAsync(name, labels, operatorName);

    /// <summary>What runs on this node now, for <c>REQOpProcessList</c>.</summary>
    public ProcessList Processes() => new(
        NodeName,
        Outbox.Publishers.Select(p => new PublisherProcess(p.Subject, p.StartedAt)).ToList(),
        new SubscriberProcess(Subjects.AllFor(NodeName), Handlers.Methods, Handlers.Stopped.ToList()),
        [
            .. Outbox.InFlight.Select(d => new MessageProcess("delivering", Subjects.For(d.Message.ToNode!, d.Message.Method!),
                d.Message.Id, d.Message.FromNode!, d.Message.Method!, d.Started, d.Source.IsCancellationRequested ? "cancelling" : "sending")),
            .. _runningMethods.InFlight.Select(r => new MessageProcess("running", Subjects.For(NodeName, r.Message.Method!),
                r.Message.Id, r.Message.FromNode!, r.Message.Method!, r.Started, r.Source.IsCancellationRequested ? "cancelling" : "running")),
        ]);

    /// <summary>
    /// Sends what crashed to central's error log. A crash of this loop itself is only logged: reporting it would crash
    /// again the same way, without end.
    /// </summary>
    private async Task ReportCrashesAsync(CancellationToken stopping)
    {
        await foreach (var (what, text) in _tasks.Crashes.ReadAllAsync(stopping).ConfigureAwait(false))
            if (what != ErrorReportTask) await Outbox.ReportAsync(text, concerning: null).ConfigureAwait(false);
    }

    /// <summary>Every hour: the duplicate memory, finished messages and old errors beyond their retention are deleted.</summary>
    private async Task ForgetOldAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var forgotten = await Store.ForgetInboundOlderThanAsync(TimeSpan.FromDays(_options.DedupRetentionDays), stopping).ConfigureAwait(false);
            if (forgotten > 0) Log.Forgot(_logger, NodeName, forgotten, _options.DedupRetentionDays);
            var (messages, errors) = await Store.PruneOlderThanAsync(TimeSpan.FromDays(_options.RetentionDays), stopping).ConfigureAwait(false);
            if (messages + errors > 0) Log.Pruned(_logger, NodeName, messages, errors, _options.RetentionDays);
            await Task.Delay(TimeSpan.FromHours(1), _time, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Stops receiving, cancels and awaits every running task, then closes the broker and the files. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _tasks.CancelAsync().ConfigureAwait(false);   // first, so work cut off by the closing connection is seen as stopping
        var closing = _nats.DisposeAsync();   // also ends a connect that is still waiting for the broker
        await _tasks.DisposeAsync().ConfigureAwait(false);
        await closing.ConfigureAwait(false);
        await _audit.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
        await Store.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
        Metrics.Dispose();
        Log.Stopped(_logger, NodeName);
    }

    private static partial class Log
    {
        [LoggerMessage(6002, LogLevel.Information, "Node {Node} stopped")]
        public static partial void Stopped(ILogger logger, string node);

        [LoggerMessage(6003, LogLevel.Information, "Node {Node} resumes {Undelivered} undelivered and {Unfinished} unfinished message(s) and {Rollouts} rollout(s)")]
        public static partial void Resumed(ILogger logger, string node, int undelivered, int unfinished, int rollouts);

        [LoggerMessage(6004, LogLevel.Information, "Node {Node} forgot {Count} received message(s) finished over {Days} day(s) ago")]
        public static partial void Forgot(ILogger logger, string node, int count, int days);

        [LoggerMessage(6008, LogLevel.Information, "Node {Node} deleted {Messages} message(s) and {Errors} error log entries finished over {Days} day(s) ago")]
        public static partial void Pruned(ILogger logger, string node, int messages, int errors, int days);
    }
}
