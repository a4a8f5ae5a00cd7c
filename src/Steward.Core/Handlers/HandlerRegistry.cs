using System.Collections.Frozen;
using Steward.Core.Delivery;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.Core.Trust;

namespace Steward.Core.Handlers;

/// <summary>The methods a node serves, by name.</summary>
public sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, IMethodHandler> _handlers;
    private readonly MethodSwitch _switch;

    private HandlerRegistry(IEnumerable<IMethodHandler> handlers, IReadOnlyCollection<string> served, MethodSwitch methodSwitch)
    {
        _handlers = handlers.Where(h => served.Count == 0 || served.Contains(h.Method)).ToFrozenDictionary(h => h.Method, StringComparer.Ordinal);
        _switch = methodSwitch;
    }

    /// <summary>Every built-in handler, plus <paramref name="extra"/> ones (which replace a built-in of the same method).</summary>
    internal static HandlerRegistry Create(
        NodeContext node, NodeStore store, CancellationRegistry<(string, long)> runningMethods, TimeProvider time,
        HttpClient http, Func<ProcessList> processes, IReadOnlyCollection<string> served, IEnumerable<IMethodHandler> extra, KeyRing keys,
        MethodRules rules)
    {
        var files = new NodeFiles(node);
        var methodSwitch = new MethodSwitch();
        HandlerRegistry? registry = null;
        IMethodHandler[] builtIn =
        [
            new CliCommandHandler(store.RecordProcessGroupAsync), new ToFileAppendHandler(files), new ToFileHandler(files), new ToConsoleHandler(Console.Out),
            new NoneHandler(), new ErrorLogHandler(node, store, files, time), new OpCancelHandler(runningMethods, store),
            new PingHandler(node, time), new PongHandler(), new HttpGetHandler(http), new CliCommandContHandler(time, store.RecordProcessGroupAsync), new TailFileHandler(time),
            new OpProcessListHandler(processes), new OpProcessStopHandler(methodSwitch, () => registry!),
            new OpProcessStartHandler(methodSwitch, () => registry!), new HelloHandler(store, keys, time), new RelayHandler(),
            new KeysUpdateHandler(keys), new AclUpdateHandler(rules),
        ];
        var extraHandlers = extra.ToList();
        return registry = new(builtIn.Where(b => extraHandlers.All(e => e.Method != b.Method)).Concat(extraHandlers), served, methodSwitch);
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
