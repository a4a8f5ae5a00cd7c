using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Steward.Core.Delivery;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Node;

/// <summary>
/// One Steward node: its broker connection, its SQLite file, its subscription and the tasks delivering and running its
/// messages. Holds no static state, so several nodes can share a process.
/// </summary>
public sealed partial class NodeRuntime : IAsyncDisposable
{
    private readonly StewardOptions _options;
    private readonly NatsConnection _nats;
    private readonly TaskSupervisor _tasks;
    private readonly Deliverer _deliverer;
    private readonly Receiver _receiver;
    private readonly Executor _executor;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiving;
    private int _disposed;

    public NodeRuntime(StewardOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _logger = loggers.CreateLogger<NodeRuntime>();
        Context = new NodeContext(options.NodeName, options.ResolvedDataFolder);
        Store = new NodeStore(Context.DataFolder, options.Durability, time, loggers.CreateLogger<NodeStore>());
        Handlers = HandlerRegistry.Create(Context, options.Methods);
        _nats = new NatsConnection(NatsOpts.Default with
        {
            Url = options.Broker, Name = options.NodeName, LoggerFactory = loggers, RetryOnInitialConnect = true, MaxReconnectRetry = -1,
        });
        _tasks = new TaskSupervisor(loggers.CreateLogger<TaskSupervisor>());
        _deliverer = new Deliverer(_nats, Store, time, loggers.CreateLogger<Deliverer>());
        Intake = new MessageIntake(options, Store, Dispatch);
        _executor = new Executor(options.NodeName, Handlers, Store, Intake, loggers.CreateLogger<Executor>());
        _receiver = new Receiver(options.NodeName, Handlers, Store, Run, loggers.CreateLogger<Receiver>());
    }

    public string NodeName => _options.NodeName;
    public NodeContext Context { get; }
    public NodeStore Store { get; }
    public HandlerRegistry Handlers { get; }
    public MessageIntake Intake { get; }
    public INatsConnection Broker => _nats;

    /// <summary>
    /// Starts connecting in the background and returns at once: a node whose broker is unreachable still starts, accepts
    /// messages and stores them, and delivers them once the broker is back. <see cref="Receiving"/> tells when it listens.
    /// </summary>
    public Task StartAsync(CancellationToken ct)
    {
        _receiving = ConnectAndReceiveAsync(_tasks.Stopping);
        return Task.CompletedTask;
    }

    /// <summary>Completes once the node's subscription exists on the broker.</summary>
    public Task Receiving => _subscribed.Task;

    private async Task ConnectAndReceiveAsync(CancellationToken stopping)
    {
        try
        {
            await _nats.ConnectAsync().ConfigureAwait(false);
            var subscription = await _nats.SubscribeCoreAsync<byte[]>(Subjects.AllFor(NodeName), queueGroup: NodeName, cancellationToken: stopping).ConfigureAwait(false);
            await using (subscription.ConfigureAwait(false))
            {
                _subscribed.TrySetResult();
                Log.Started(_logger, NodeName, _options.Broker, Context.DataFolder, string.Join(",", Handlers.Methods));
                await foreach (var msg in subscription.Msgs.ReadAllAsync(stopping).ConfigureAwait(false))
                    _tasks.Run($"receiving on {msg.Subject}", ct => _receiver.ReceiveAsync(msg, ct));
            }
        }
        catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or NatsException)
        {
            _subscribed.TrySetCanceled(stopping);
        }
    }

    private void Dispatch(Message message) =>
        _tasks.Run($"delivery of message {message.Id} to {message.ToNode}", ct => _deliverer.DeliverAsync(message, ct));

    private void Run(Message message) =>
        _tasks.Run($"method {message.Method} of message {message.Id} from {message.FromNode}", ct => _executor.RunAsync(message, ct));

    /// <summary>Stops receiving, cancels and awaits every running task, then closes the broker and the file. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _tasks.DisposeAsync().ConfigureAwait(false);
        await _nats.DisposeAsync().ConfigureAwait(false);
        if (_receiving is not null) await _receiving.ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger, NodeName);
    }

    private static partial class Log
    {
        [LoggerMessage(6001, LogLevel.Information, "Node {Node} started: broker {Broker}, data {DataFolder}, serving {Methods}")]
        public static partial void Started(ILogger logger, string node, string broker, string dataFolder, string methods);

        [LoggerMessage(6002, LogLevel.Information, "Node {Node} stopped")]
        public static partial void Stopped(ILogger logger, string node);
    }
}
