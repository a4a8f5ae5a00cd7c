using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Steward.Core.Telemetry;

/// <summary>What both hosts' metrics set-ups share (the gateway's <c>AddGatewayMetrics</c>, the agent's <c>AddAgentMetrics</c>).</summary>
public static class MetricsHosting
{
    /// <summary>
    /// Exports the host's node's instruments and the runtime's own (<c>System.Runtime</c>: GC, memory, CPU, thread pool),
    /// with <paramref name="exporter"/>. Another node in the same process (the tests run many) has a meter of the same
    /// name but not made by this host's <see cref="IMeterFactory"/>: it is dropped, so one node's counts never show in
    /// another's scrape.
    /// </summary>
    public static IServiceCollection AddStewardMetrics(this IServiceCollection services, Action<MeterProviderBuilder> exporter)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => exporter(metrics.AddMeter(StewardMetrics.MeterName, "System.Runtime")));
        return services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var hosts = provider.GetService<IMeterFactory>();
            metrics.AddView(instrument =>
                instrument.Meter.Name == StewardMetrics.MeterName && instrument.Meter.Scope != hosts ? MetricStreamConfiguration.Drop : null);
        });
    }
}
