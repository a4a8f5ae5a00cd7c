using Microsoft.AspNetCore.Http.HttpResults;
using Steward.Core.Node;

namespace Steward.Gateway.Hosting;

/// <summary>A node central has heard from; online when seen within two hello intervals.</summary>
public sealed record NodeView(
    string Name, DateTime FirstSeen, DateTime LastSeen, bool Online, string? Version, string? Os, string? Arch, DateTime? StartedAt);

/// <summary><c>/nodes</c>: the node registry kept from <c>REQHello</c>.</summary>
internal static class NodeEndpoints
{
    public static void MapNodeEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/nodes", ListAsync).WithTags("Nodes").RequireAuthorization(Auth.OperatorRoles.Read).ProducesProblem(StatusCodes.Status401Unauthorized).WithName("ListNodes")
            .WithSummary("Nodes seen by hello: first and last seen, online, version, OS and architecture");

    internal static async Task<Ok<IReadOnlyList<NodeView>>> ListAsync(NodeRuntime node, StewardOptions options, TimeProvider time, CancellationToken ct)
    {
        var onlineSince = time.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(2 * options.HelloIntervalSeconds);
        var nodes = await node.Store.Queries.NodesAsync(ct);
        return TypedResults.Ok<IReadOnlyList<NodeView>>(nodes
            .Select(n => new NodeView(n.Name, n.FirstSeen, n.LastSeen, n.LastSeen >= onlineSince, n.Version, n.Os, n.Arch, n.StartedAt)).ToList());
    }
}
