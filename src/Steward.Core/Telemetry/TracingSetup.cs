using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Steward.Core.Node;

namespace Steward.Core.Telemetry;

/// <summary>
/// Turns on the export of traces over OTLP when an endpoint is configured, and only then: <c>Steward:OtlpEndpoint</c>
/// (OTLP/HTTP with protobuf, to <c>&lt;endpoint&gt;/v1/traces</c>), or else OpenTelemetry's own
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> with its other <c>OTEL_*</c> settings
/// (gRPC by default). Without either, nothing listens to <see cref="StewardTracing"/> and no span is made.
/// </summary>
public static class TracingSetup
{
    /// <param name="instrument">More sources for the host's own spans, e.g. the gateway's HTTP requests.</param>
    public static IHostApplicationBuilder AddStewardTracing(
        this IHostApplicationBuilder builder, StewardOptions options, Action<TracerProviderBuilder>? instrument = null)
    {
        var endpoint = TracesEndpoint(options.OtlpEndpoint);
        if (endpoint is null && !HasStandardEndpoint(builder.Configuration)) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(builder.Environment.ApplicationName, serviceInstanceId: options.NodeName)
                .AddAttributes([new("steward.node", options.NodeName)]))
            .WithTracing(tracing =>
            {
                tracing.AddSource(StewardTracing.SourceName);
                instrument?.Invoke(tracing);
                tracing.AddOtlpExporter(otlp =>
                {
                    if (endpoint is null) return;   // the OTEL_* settings, which the exporter reads itself
                    otlp.Endpoint = endpoint;
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                });
            });
        return builder;
    }

    /// <summary>
    /// Where <c>Steward:OtlpEndpoint</c> sends traces: the collector's OTLP/HTTP address with <c>/v1/traces</c> appended
    /// (the exporter appends nothing to an endpoint set in code), unless it ends so already.
    /// </summary>
    public static Uri? TracesEndpoint(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured)) return null;
        var uri = new Uri(configured, UriKind.Absolute);
        if (uri.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal)) return uri;
        return new UriBuilder(uri) { Path = uri.AbsolutePath.TrimEnd('/') + "/v1/traces" }.Uri;
    }

    /// <summary>Why <paramref name="configured"/> cannot be <c>Steward:OtlpEndpoint</c>; null when it can (or is unset).</summary>
    public static string? EndpointProblem(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
        || (Uri.TryCreate(configured, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query == "" && uri.Fragment == "")
            ? null
            : $"OtlpEndpoint: must be the collector's OTLP/HTTP address, http:// or https://, e.g. http://127.0.0.1:4318, was '{configured}'";

    private static bool HasStandardEndpoint(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
}
