using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Steward.Core.Delivery;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.Core.Trust;

namespace Steward.Core.Node;

/// <summary>
/// One Steward node: its broker connection, its SQLite file, its subscription, its publishers and the tasks delivering
/// and running its messages. Holds no static state, so several nodes can share a process.
/// </summary>
public sealed partial class NodeRuntime : IAsyncDisposable
{
    private readonly StewardOptions _options;
    private readonly NatsConnection _nats;
    private readonly TaskSupervisor _tasks;
    private readonly CancellationRegistry<long> _deliveries;
    private readonly CancellationRegistry<(string, long)> _runningMethods;
    private readonly StreamOrder<(string, long)> _replyStreams;
    private readonly Publishers _publishers;
    private readonly Receiver _receiver;
    private readonly Executor _executor;
    private readonly AuditLog _audit;
    private readonly NodeKey _key;
    private readonly MessageSigner _signer;
    private readonly MessageCanceller _canceller;
    private readonly TimeProvider _time;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };   // REQHttpGet's limit is methodTimeout
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<StewardStartupException> _unusable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;
    private const string ErrorReportTask = "error report";

    public NodeRuntime(StewardOptions options, TimeProvider time, ILoggerFactory loggers, IEnumerable<IMethodHandler>? extraHandlers = null)
    {
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<NodeRuntime>();
        Context = new NodeContext(options.NodeName, options.ResolvedDataFolder);
        Store = new NodeStore(Context.DataFolder, options.Durability, time, loggers.CreateLogger<NodeStore>());
        _key = NodeKey.LoadOrCreate(Context.DataFolder);
        Keys = new KeyRing(Context.DataFolder, options.NodeName, _key.PublicKey, options.TrustedKeys);
        Rules = new MethodRules(Context.DataFolder, options.CentralNodeName, options.Allow);
        _signer = new MessageSigner(_key);
        _audit = new AuditLog(Context.DataFolder, time, loggers.CreateLogger<AuditLog>());
        _nats = new NatsConnection(BrokerConnection.Options(options, _key, loggers));
        _tasks = new TaskSupervisor(time, loggers.CreateLogger<TaskSupervisor>());
        _replyStreams = new StreamOrder<(string, long)>(_tasks);
        var deliveries = _deliveries = new CancellationRegistry<long>(time);
        var runningMethods = _runningMethods = new CancellationRegistry<(string, long)>(time);
        Errors = new ErrorReporter(options, time, loggers.CreateLogger<ErrorReporter>());
        Handlers = HandlerRegistry.Create(Context, Store, runningMethods, time, _http, Processes, options.Methods, extraHandlers ?? [], Keys, Rules);
        var deliverer = new Deliverer(_nats, Store, deliveries, Errors, _signer, Keys, time, loggers.CreateLogger<Deliverer>());
        _publishers = new Publishers(
            (subject, streams) => new Publisher(subject, deliverer.DeliverAsync, _tasks, streams, TimeSpan.FromSeconds(options.PublisherIdleSeconds), time),
            new StreamOrder<(string, long)>(_tasks));
        Intake = new MessageIntake(options, Store, _audit, _publishers.Enqueue, time);
        Errors.Attach(Intake);
        Enrolment = new Enrolment(Keys, Intake);
        // A crash of an error report is only logged: reporting it would crash again the same way, without end.
        _tasks.OnCrash = (what, text) =>
        {
            if (what != ErrorReportTask) _tasks.Start(ErrorReportTask, _ => Errors.ReportAsync(text, concerning: null));
        };
        _executor = new Executor(options.NodeName, Handlers, Store, Intake, Errors, runningMethods, time, loggers.CreateLogger<Executor>());
        var trust = new ArrivalCheck(
            options.NodeName, options.CentralNodeName, Keys, Rules, TimeSpan.FromDays(options.DedupRetentionDays), time, Store.Queries,
            Store.WritesSoFarCommittedAsync);
        _receiver = new Receiver(options.NodeName, Handlers, Store, _audit, trust, _signer, Errors, Run, loggers.CreateLogger<Receiver>());
        _canceller = new MessageCanceller(Store, deliveries, Intake);
    }

    public string NodeName => _options.NodeName;
    public NodeContext Context { get; }
    public NodeStore Store { get; }
    public HandlerRegistry Handlers { get; }
    public MessageIntake Intake { get; }
    public ErrorReporter Errors { get; }

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
    public IReadOnlyList<string> PublisherSubjects => _publishers.Running.Select(p => p.Subject).ToList();

    /// <summary>Completes once the node's subscription exists on the broker; fails when <see cref="Unusable"/> does.</summary>
    public Task Receiving => _subscribed.Task;

    /// <summary>Completes when the node can never work as configured (e.g. it does not trust the broker's certificate): the host stops, exit code 2.</summary>
    public Task<StewardStartupException> Unusable => _unusable.Task;

    /// <summary>
    /// Resumes unfinished work, oldest first, and starts connecting in the background: a node whose broker is
    /// unreachable still starts, accepts and stores messages, and delivers them once the broker is back.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var undelivered = await Store.Queries.UndeliveredAsync(ct).ConfigureAwait(false);
        foreach (var (message, attempts) in undelivered) _publishers.Enqueue(new Outgoing(message, attempts));
        var unfinished = await Store.Queries.UnfinishedInboundAsync(ct).ConfigureAwait(false);
        foreach (var message in unfinished) Run(message);
        Log.Resumed(_logger, NodeName, undelivered.Count, unfinished.Count);

        _tasks.RunLoop($"receiver of {NodeName}", ReceiveAsync);
        _tasks.RunLoop($"duplicate memory of {NodeName}", ForgetOldInboundAsync);
        if (NodeName != _options.CentralNodeName) _tasks.RunLoop($"hello of {NodeName}", new HelloSender(_options, _nats, _audit, _signer, _key.PublicKey, Keys, _time).RunAsync);
    }

    public Task<CancelOutcome> CancelAsync(long id, CancellationToken ct) => _canceller.CancelAsync(id, ct);

    /// <summary>What runs on this node now, for <c>REQOpProcessList</c>.</summary>
    public ProcessList Processes() => new(
        NodeName,
        _publishers.Running.Select(p => new PublisherProcess(p.Subject, p.StartedAt)).ToList(),
        new SubscriberProcess(Subjects.AllFor(NodeName), Handlers.Methods, Handlers.Stopped.ToList()),
        [
            .. _deliveries.InFlight.Select(d => new MessageProcess("delivering", Subjects.For(d.Message.ToNode!, d.Message.Method!),
                d.Message.Id, d.Message.FromNode!, d.Message.Method!, d.Started, d.Source.IsCancellationRequested ? "cancelling" : "sending")),
            .. _runningMethods.InFlight.Select(r => new MessageProcess("running", Subjects.For(NodeName, r.Message.Method!),
                r.Message.Id, r.Message.FromNode!, r.Message.Method!, r.Started, r.Source.IsCancellationRequested ? "cancelling" : "running")),
        ]);

    private async Task ReceiveAsync(CancellationToken stopping)
    {
        if (await BrokerCheck.ProblemAsync(_nats.Opts, _options, _time, why => Log.Refused(_logger, NodeName, why), stopping).ConfigureAwait(false) is { } problem)
        {
            GiveUp(problem);
            return;   // not a crash: a restart would fail the same way
        }
        await _nats.ConnectAsync().ConfigureAwait(false);
        var subscription = await _nats.SubscribeCoreAsync<byte[]>(Subjects.AllFor(NodeName), queueGroup: NodeName, cancellationToken: stopping).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            _subscribed.TrySetResult();
            Log.Started(_logger, NodeName, _options.Broker, Context.DataFolder, string.Join(",", Handlers.Methods));
            await foreach (var msg in subscription.Msgs.ReadAllAsync(stopping).ConfigureAwait(false))
                _tasks.Start($"receiving on {msg.Subject}", ct => _receiver.ReceiveAsync(msg, ct));
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

    private async Task ForgetOldInboundAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var forgotten = await Store.ForgetInboundOlderThanAsync(TimeSpan.FromDays(_options.DedupRetentionDays)).ConfigureAwait(false);
            if (forgotten > 0) Log.Forgot(_logger, NodeName, forgotten, _options.DedupRetentionDays);
            await Task.Delay(TimeSpan.FromHours(1), _time, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a received message; the replies of one request are handled in the order they came.</summary>
    private void Run(Message message)
    {
        var what = $"method {message.Method} of message {message.Id} from {message.FromNode}";
        if (message is { IsReply: true, PreviousMessage: { } request }) _replyStreams.Run((request.FromNode ?? "", request.Id), what, ct => _executor.RunAsync(message, ct));
        else _tasks.Start(what, ct => _executor.RunAsync(message, ct));
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
        Log.Stopped(_logger, NodeName);
    }

    private static partial class Log
    {
        [LoggerMessage(6005, LogLevel.Warning, "Node {Node} cannot log in: {Why}")]
        public static partial void Refused(ILogger logger, string node, string why);

        [LoggerMessage(6001, LogLevel.Information, "Node {Node} started: broker {Broker}, data {DataFolder}, serving {Methods}")]
        public static partial void Started(ILogger logger, string node, string broker, string dataFolder, string methods);

        [LoggerMessage(6002, LogLevel.Information, "Node {Node} stopped")]
        public static partial void Stopped(ILogger logger, string node);

        [LoggerMessage(6003, LogLevel.Information, "Node {Node} resumes {Undelivered} undelivered and {Unfinished} unfinished message(s)")]
        public static partial void Resumed(ILogger logger, string node, int undelivered, int unfinished);

        [LoggerMessage(6004, LogLevel.Information, "Node {Node} forgot {Count} received message(s) finished over {Days} day(s) ago")]
        public static partial void Forgot(ILogger logger, string node, int count, int days);

        [LoggerMessage(6005, LogLevel.Critical, "{Problem}")]
        public static partial void CannotConnect(ILogger logger, string problem);
    }
}
