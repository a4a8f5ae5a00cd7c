using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Steward.Core.Handlers.Copy;
using Steward.Core.Outbound;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.Core.Trust;

namespace Steward.Core.Handlers;

/// <summary>The methods a node serves, by name.</summary>
public sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, IMethodHandler> _handlers;
    private readonly MethodSwitch _switch;

    /// <summary>The switch that stops and starts methods asks this registry which methods it serves.</summary>
    private HandlerRegistry(Func<MethodSwitch, IEnumerable<IMethodHandler>> handlers, IReadOnlyCollection<string> served)
    {
        _switch = new MethodSwitch(method => Find(method) is not null);
        _handlers = handlers(_switch).Where(h => served.Count == 0 || served.Contains(h.Method)).ToFrozenDictionary(h => h.Method, StringComparer.Ordinal);
    }

    /// <summary>Every built-in handler, plus <paramref name="extra"/> ones (which replace a built-in of the same method).</summary>
    internal static HandlerRegistry Create(
        NodeContext node, NodeStore store, Outbox outbox, CancellationRegistry<(string, long)> runningMethods, TimeProvider time,
        HttpClient http, Func<ProcessList> processes, StewardOptions options, IEnumerable<IMethodHandler> extra, KeyRing keys,
        MethodRules rules, ILoggerFactory loggers, CancellationToken nodeStopping)
    {
        var files = new NodeFiles(node);
        var copyTarget = new CopyTarget(node, options.CopyToPrefixes);
        var copySender = new CopySender(
            outbox, store.Copies, store.Reads, node.NodeName, options.CopyMaxBytes, time, loggers.CreateLogger<CopySender>(), nodeStopping);
        var copyReceiver = new CopyReceiver(copyTarget, store.Copies, loggers.CreateLogger<CopyReceiver>());
        var extraHandlers = extra.ToList();
        return new(methodSwitch =>
        {
            IMethodHandler[] builtIn =
            [
                new CliCommandHandler(store.RecordProcessGroupAsync), new ToFileAppendHandler(files, store.StartAppendAsync), new ToFileHandler(files), new ToConsoleHandler(Console.Out), new ToSocketHandler(node, options.ToSocketPrefixes),
                new NoneHandler(), new ErrorLogHandler(node, store, outbox, files, time), new OpCancelHandler(runningMethods, store), new OpClearQueueHandler(outbox, options.CentralNodeName),
                new PingHandler(node, time), new PongHandler(), new HttpGetHandler(http, options.HttpGetMaxBytes), new CliCommandContHandler(time, store.RecordProcessGroupAsync), new TailFileHandler(time),
                new OpProcessListHandler(processes), new OpProcessStopHandler(methodSwitch), new OpProcessStartHandler(methodSwitch),
                new HelloHandler(store, keys, time), new RelayHandler(), new KeysUpdateHandler(keys), new AclUpdateHandler(rules),
                new CopyFileFromHandler(copySender, options.CopyMaxBytes), new CopyFileToHandler(copyTarget, copyReceiver, options.CopyMaxBytes),
            ];
            return builtIn.Where(b => extraHandlers.All(e => e.Method != b.Method)).Concat(extraHandlers);
        }, options.Methods);
    }

    /// <summary>The methods this node serves, stopped ones included.</summary>
    public IReadOnlyList<string> Methods => _handlers.Keys.Order(StringComparer.Ordinal).ToList();

    public IReadOnlyCollection<string> Stopped => _switch.Stopped;

    public IMethodHandler? Find(string method) => _handlers.GetValueOrDefault(method);

    /// <summary>Why a message for <paramref name="method"/> is refused here, or null when the method is served and running.</summary>
    public string? Unavailable(string method, string nodeName) =>
        Find(method) is null ? $"method {method} is not served by node {nodeName}"
        : _switch.IsStopped(method) ? $"method {method} is stopped on node {nodeName}"
        : null;
}
