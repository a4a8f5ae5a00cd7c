using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Steward.Core.Node;

/// <summary>
/// Starts the host's node with the host and stops it, awaiting its work, when the host stops; stops the host when the
/// node can never work as configured (<see cref="NodeRuntime.Unusable"/>), so the host exits 2 instead of retrying forever.
/// </summary>
internal sealed class NodeHostedService(NodeRuntime node, IHostApplicationLifetime lifetime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await node.StartAsync(cancellationToken).ConfigureAwait(false);
        _ = node.Unusable.ContinueWith(_ => lifetime.StopApplication(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task StopAsync(CancellationToken cancellationToken) => node.DisposeAsync().AsTask();
}

public static class NodeServiceCollectionExtensions
{
    /// <summary>Registers the node runtime for <paramref name="options"/> and starts it with the host.</summary>
    public static IServiceCollection AddStewardNode(this IServiceCollection services, StewardOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new NodeRuntime(
            options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), meters: sp.GetService<IMeterFactory>()));
        services.AddHostedService<NodeHostedService>();
        return services;
    }
}
