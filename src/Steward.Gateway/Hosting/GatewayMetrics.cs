using Microsoft.OpenApi;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Steward.Core.Telemetry;
using Steward.Gateway.Auth;

namespace Steward.Gateway.Hosting;

/// <summary>
/// <c>GET /metrics</c>: the node's instruments (docs/metrics.md) in Prometheus's text format, by OpenTelemetry's
/// Prometheus exporter. It needs an operator token (any role), like every other call but <c>/healthz</c>: the metrics
/// name the methods run and the size of the fleet, and a gateway may listen beyond a trusted network. Prometheus sends
/// one with <c>authorization: {credentials_file: ...}</c>; a <c>read</c> operator of its own is enough.
/// </summary>
internal static class GatewayMetrics
{
    public const string Path = "/metrics";

    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddStewardMetrics(metrics => metrics.AddPrometheusExporter());
        // Every scrape reads the instruments afresh: the exporter's default caches an answer for 300 ms.
        services.Configure<PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
        return services;
    }

    public static void MapGatewayMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(OperatorRoles.Read);

    /// <summary>The exporter's endpoint is a bare request delegate, which the document generator does not see: described here.</summary>
    public static void Describe(Microsoft.OpenApi.OpenApiDocument document)
    {
        document.Paths ??= [];
        document.Paths.Add(Path, new OpenApiPathItem
        {
            Operations = new()
            {
                [HttpMethod.Get] = new OpenApiOperation
                {
                    Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
                    Summary = "The gateway's metrics in Prometheus's text format (docs/metrics.md): messages by method and final state, delivery latency, retries, refusals, nodes online, SQLite commits, open event streams",
                    OperationId = "GetMetrics",
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "OK",
                            Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
                        },
                        ["401"] = new OpenApiResponse
                        {
                            Description = "Unauthorized",
                            Content = new Dictionary<string, OpenApiMediaType>
                            {
                                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
                            },
                        },
                    },
                },
            },
        });
    }

    public const string Tag = "Metrics";
}
