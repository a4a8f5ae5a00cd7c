using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Handlers;
using Steward.Core.Node;

namespace Steward.TestSupport;

/// <summary>An in-process node with its own data folder, started against the test's broker.</summary>
public static class TestNode
{
    public static async Task<NodeRuntime> StartAsync(
        string brokerUrl, string name, Action<StewardOptions>? configure = null, IEnumerable<IMethodHandler>? extraHandlers = null)
    {
        var options = new StewardOptions
        {
            NodeName = name, Broker = brokerUrl, CentralNodeName = "central",
            DataFolder = Directory.CreateTempSubdirectory($"steward-{name}-").FullName,
        };
        configure?.Invoke(options);
        var node = new NodeRuntime(options, TimeProvider.System, NullLoggerFactory.Instance, extraHandlers);
        try
        {
            await node.StartAsync(CancellationToken.None);
            await node.Receiving.WaitAsync(TimeSpan.FromSeconds(15));
            return node;
        }
        catch
        {
            await node.DisposeAsync();   // e.g. a node that cannot connect as configured (StewardStartupException)
            throw;
        }
    }
}
