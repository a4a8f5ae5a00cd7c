using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Steward.Core.Telemetry;

/// <summary>What both hosts' metrics set-ups share (the gateway's <c>AddGatewayMetrics</c>, the agent's <c>AgentMetrics</c>).</summary>
public static class MetricsHosting
{
    /// <summary>
    /// Exports the host's node's instruments and the runtime's own with <paramref name="exporter"/>, through
    /// OpenTelemetry's hosting (<see cref="AddNodeMeters"/>).
    /// </summary>
    public static IServiceCollection AddStewardMetrics(this IServiceCollection services, Action<MeterProviderBuilder> exporter)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => exporter(metrics.AddMeter(StewardMetrics.MeterName, "System.Runtime")));
        return services.ConfigureOpenTelemetryMeterProvider((provider, metrics) => metrics.OnlyNodeOf(provider.GetService<IMeterFactory>()));
    }

    /// <summary>
    /// The node's instruments and the runtime's own (<c>System.Runtime</c>: GC, memory, CPU, thread pool), of the node
    /// whose meter <paramref name="hosts"/> made (<see cref="OnlyNodeOf"/>).
    /// </summary>
    public static MeterProviderBuilder AddNodeMeters(this MeterProviderBuilder metrics, IMeterFactory? hosts) =>
        metrics.AddMeter(StewardMetrics.MeterName, "System.Runtime").OnlyNodeOf(hosts);

    /// <summary>
    /// Another node in the same process (the tests run many) has a meter of the same name but not made by this host's
    /// <see cref="IMeterFactory"/>: it is dropped, so one node's counts never show in another's scrape.
    /// </summary>
    private static MeterProviderBuilder OnlyNodeOf(this MeterProviderBuilder metrics, IMeterFactory? hosts) =>
        metrics.AddView(instrument => instrument.Meter.Name == StewardMetrics.MeterName && instrument.Meter.Scope != hosts ? MetricStreamConfiguration.Drop : null);
}
