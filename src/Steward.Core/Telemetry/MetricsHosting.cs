using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;

namespace Steward.Core.Telemetry;

/// <summary>What both hosts' metrics set-ups share (the gateway's <c>AddGatewayMetrics</c>, the agent's <c>AddAgentMetrics</c>).</summary>
public static class MetricsHosting
{
    /// <summary>The name OpenTelemetry's listener has among the host's metrics listeners.</summary>
    private const string OpenTelemetryListener = "OpenTelemetry";

    /// <summary>
    /// The meters a host exports: its node's, and the runtime's own (<c>System.Runtime</c>: GC, memory, CPU, thread pool).
    /// </summary>
    public static readonly string[] Meters = [StewardMetrics.MeterName, "System.Runtime"];

    /// <summary>
    /// Exports only the host's own node's instruments: a node made outside this host (another in the same process, as in
    /// the tests) makes its meter without the host's factory, and is left out rather than counted in.
    /// </summary>
    public static IServiceCollection ExportOnlyThisHostsNode(this IServiceCollection services) =>
        services.AddMetrics(metrics => metrics.DisableMetrics(StewardMetrics.MeterName, instrumentName: null, OpenTelemetryListener, MeterScope.Global));
}
