using Microsoft.AspNetCore.Http.HttpResults;
using NATS.Client.Core;
using Steward.Core.Node;

namespace Steward.Gateway.Hosting;

public sealed record HealthReport(string Node, bool BrokerConnected, bool DatabaseWritable);

/// <summary><c>/healthz</c>: 200 when the broker is connected and the database answers, 503 otherwise.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", CheckAsync).WithTags("Health").WithName("Health").WithSummary("Broker connected and database writable")
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> CheckAsync(NodeRuntime node, CancellationToken ct)
    {
        var report = new HealthReport(node.NodeName, node.Broker.ConnectionState == NatsConnectionState.Open, await node.Queries.IsWritableAsync(ct));
        return report is { BrokerConnected: true, DatabaseWritable: true }
            ? TypedResults.Ok(report)
            : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
