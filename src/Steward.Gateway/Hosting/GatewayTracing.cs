using OpenTelemetry.Trace;

namespace Steward.Gateway.Hosting;

/// <summary>The gateway's own spans: each HTTP request, the parent of the messages it sends (docs/traces.md).</summary>
internal static class GatewayTracing
{
    /// <summary>
    /// ASP.NET Core's request spans; a client's <c>traceparent</c> header makes the request a child of the client's span.
    /// Health checks and Prometheus's scrapes are left out: a probe every few seconds is not an operator's request.
    /// </summary>
    public static void Instrument(TracerProviderBuilder tracing) =>
        tracing.AddAspNetCoreInstrumentation(o => o.Filter = context =>
            !context.Request.Path.StartsWithSegments("/healthz") && !context.Request.Path.StartsWithSegments(GatewayMetrics.Path));
}
