using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Steward.Core.Node;
using Steward.Core.Telemetry;

namespace Steward.Agent;

/// <summary>
/// The agent's optional <c>/metrics</c> (<c>Steward:MetricsPort</c>; docs/metrics.md): the node's instruments in
/// Prometheus's text format, by OpenTelemetry's exporter on <see cref="HttpListener"/> (no web server in the agent).
/// Without a port nothing listens; a summary of the counters goes to central in every hello either way.
/// </summary>
/// <remarks>
/// The meter provider is built here, not by OpenTelemetry's hosting: there a port that cannot be had (taken by another
/// program, an address not on this machine) fails the host's start, so the agent would stop, and under a service
/// manager start again and stop again, cut off from central, over its optional metrics. Here it is one error line.
/// </remarks>
internal sealed partial class AgentMetrics(StewardOptions options, IMeterFactory meters, IHostEnvironment host, ILogger<AgentMetrics> logger)
    : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(options.MetricsAddress);
        try
        {
            _provider = Sdk.CreateMeterProviderBuilder()
                // The same resource as the agent's traces (TracingSetup): Prometheus's target_info names the node.
                .ConfigureResource(resource => resource
                    .AddService(host.ApplicationName, serviceInstanceId: options.NodeName)
                    .AddAttributes([new("steward.node", options.NodeName)]))
                .AddNodeMeters(meters)
                .AddPrometheusHttpListener(o =>
                {
                    o.Port = options.MetricsPort;
                    o.ScrapeResponseCacheDurationMilliseconds = 0;   // every scrape reads the instruments afresh
                    if (IsEveryInterface(address)) o.ConfigureHttpListener = (_, listener) => EveryInterface(listener);
                    else o.Host = ListenerHost(address);
                })
                .Build();
        }
        catch (InvalidOperationException e)   // the exporter's "could not be started", with the listener's reason inside
        {
            Log.CannotListen(logger, options.MetricsAddress, options.MetricsPort, e.InnerException?.Message ?? e.Message);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _provider = null;
    }

    private static bool IsEveryInterface(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>
    /// Every interface is the prefix host <c>+</c> (whatever the Host header says): <see cref="HttpListener"/> outside
    /// Windows takes no <c>0.0.0.0</c> ("not supported") and no IPv6 literal, and the exporter's <c>Host</c> makes a URI
    /// of its value, which <c>+</c> is not. So the exporter's prefix (of its default host) is replaced by that one here.
    /// </summary>
    private static void EveryInterface(HttpListener listener)
    {
        var prefixes = listener.Prefixes.ToList();
        listener.Prefixes.Clear();
        foreach (var prefix in prefixes)
        {
            var uri = new Uri(prefix);
            listener.Prefixes.Add($"{uri.Scheme}://+:{uri.Port}{uri.AbsolutePath}");
        }
    }

    /// <summary>The host of an <see cref="HttpListener"/> prefix for one address.</summary>
    private static string ListenerHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static partial class Log
    {
        [LoggerMessage(10301, LogLevel.Error,
            "MetricsPort: cannot listen on {Address}:{Port} ({Reason}); the agent runs on without its /metrics, its hellos still bring its counts to central")]
        public static partial void CannotListen(ILogger logger, string address, int port, string reason);
    }
}

/// <summary>Adds <see cref="AgentMetrics"/> when <c>Steward:MetricsPort</c> is set.</summary>
internal static class AgentMetricsHosting
{
    public static IServiceCollection AddAgentMetrics(this IServiceCollection services, StewardOptions options) =>
        options.MetricsPort == 0 ? services : services.AddHostedService<AgentMetrics>();
}
