using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Steward.Core.Node;
using Steward.Core.Telemetry;

namespace Steward.Agent;

/// <summary>
/// The agent's optional <c>/metrics</c> (<c>Steward:MetricsPort</c>; docs/metrics.md): the node's instruments in
/// Prometheus's text format, by OpenTelemetry's exporter on <see cref="HttpListener"/> (no web server in the agent).
/// Without a port nothing listens; a summary of the counters goes to central in every hello either way.
/// </summary>
internal static class AgentMetrics
{
    public static IServiceCollection AddAgentMetrics(this IServiceCollection services, StewardOptions options)
    {
        if (options.MetricsPort == 0) return services;
        return services.AddStewardMetrics(metrics => metrics.AddPrometheusHttpListener(o =>
        {
            (o.Host, o.Port) = (ListenerHost(IPAddress.Parse(options.MetricsAddress)), options.MetricsPort);
            o.ScrapeResponseCacheDurationMilliseconds = 0;   // every scrape reads the instruments afresh
        }));
    }

    /// <summary>The host of an <see cref="HttpListener"/> prefix: <c>+</c> takes every interface, whatever the Host header says.</summary>
    private static string ListenerHost(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "+"
        : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
