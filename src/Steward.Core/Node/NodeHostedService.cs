using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Steward.Core.Node;

/// <summary>Starts the host's node with the host and stops it, awaiting its work, when the host stops.</summary>
internal sealed class NodeHostedService(NodeRuntime node) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => node.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => node.DisposeAsync().AsTask();
}

public static class NodeServiceCollectionExtensions
{
    /// <summary>Registers the node runtime for <paramref name="options"/> and starts it with the host.</summary>
    public static IServiceCollection AddStewardNode(this IServiceCollection services, StewardOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new NodeRuntime(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<NodeHostedService>();
        return services;
    }
}
