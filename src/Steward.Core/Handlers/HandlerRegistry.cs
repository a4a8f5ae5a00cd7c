using System.Collections.Frozen;
using Steward.Core.Node;

namespace Steward.Core.Handlers;

/// <summary>The methods a node serves, by name.</summary>
public sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, IMethodHandler> _handlers;

    public HandlerRegistry(IEnumerable<IMethodHandler> handlers, IReadOnlyCollection<string> served)
    {
        _handlers = handlers.Where(h => served.Count == 0 || served.Contains(h.Method)).ToFrozenDictionary(h => h.Method, StringComparer.Ordinal);
    }

    public static HandlerRegistry Create(NodeContext node, IReadOnlyCollection<string> served) =>
        new([new CliCommandHandler(), new ToFileAppendHandler(node)], served);

    public IEnumerable<string> Methods => _handlers.Keys.Order(StringComparer.Ordinal);

    public IMethodHandler? Find(string method) => _handlers.GetValueOrDefault(method);
}
