using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Handlers;
using Steward.Core.Node;

namespace Steward.TestSupport;

/// <summary>
/// An in-process node with its own data folder, started against the test's broker and enrolled in the
/// <see cref="TestFleet"/>. Unless a test sets its own rules, every enrolled node may call every method here: the
/// delivery tests send from several "central"s; the trust tests run the default rules.
/// </summary>
public static class TestNode
{
    public static async Task<NodeRuntime> StartAsync(
        string brokerUrl, string name, Action<StewardOptions>? configure = null, IEnumerable<IMethodHandler>? extraHandlers = null,
        TimeProvider? time = null, bool joinFleet = true)
    {
        var options = new StewardOptions
        {
            NodeName = name, Broker = brokerUrl, CentralNodeName = "central",
            DataFolder = Directory.CreateTempSubdirectory($"steward-{name}-").FullName,
            Allow = new() { ["*"] = ["*"] },
        };
        configure?.Invoke(options);
        var node = new NodeRuntime(options, time ?? TimeProvider.System, NullLoggerFactory.Instance, extraHandlers);
        if (joinFleet) TestFleet.Join(node);
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
