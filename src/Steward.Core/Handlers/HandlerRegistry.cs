using System.Collections.Frozen;
using Steward.Core.Delivery;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Core.Handlers;

/// <summary>The methods a node serves, by name.</summary>
public sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, IMethodHandler> _handlers;

    public HandlerRegistry(IEnumerable<IMethodHandler> handlers, IReadOnlyCollection<string> served)
    {
        _handlers = handlers.Where(h => served.Count == 0 || served.Contains(h.Method)).ToFrozenDictionary(h => h.Method, StringComparer.Ordinal);
    }

    /// <summary>Every built-in handler, plus <paramref name="extra"/> ones (which replace a built-in of the same method).</summary>
    internal static HandlerRegistry Create(
        NodeContext node, NodeStore store, CancellationRegistry<(string, long)> runningMethods, TimeProvider time,
        HttpClient http, IReadOnlyCollection<string> served, IEnumerable<IMethodHandler> extra)
    {
        var files = new NodeFiles(node);
        IMethodHandler[] builtIn =
        [
            new CliCommandHandler(), new ToFileAppendHandler(files), new ToFileHandler(files), new ToConsoleHandler(Console.Out),
            new NoneHandler(), new ErrorLogHandler(node, store, files, time), new OpCancelHandler(runningMethods, store),
            new PingHandler(node, time), new PongHandler(), new HttpGetHandler(http), new CliCommandContHandler(time), new TailFileHandler(time),
        ];
        var extraHandlers = extra.ToList();
        return new(builtIn.Where(b => extraHandlers.All(e => e.Method != b.Method)).Concat(extraHandlers), served);
    }

    public IEnumerable<string> Methods => _handlers.Keys.Order(StringComparer.Ordinal);

    public IMethodHandler? Find(string method) => _handlers.GetValueOrDefault(method);
}
