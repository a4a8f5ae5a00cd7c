using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Gateway.Hosting;

/// <summary><c>/errors</c>: central's error log, as a list and live.</summary>
internal static class ErrorEndpoints
{
    /// <summary>The <c>event:</c> of every entry on the error stream.</summary>
    private const string ErrorStreamKind = "error";

    public static void MapErrorEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/errors").WithTags("Errors").RequireAuthorization(Auth.OperatorRoles.Read).ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListAsync).WithName("ListErrors").WithSummary("The error log, oldest first; page with after (a seq) and limit");
        group.MapGet("/events", Stream).WithName("StreamErrors").WithSummary("The error log as server-sent events, live; Last-Event-ID resumes")
            .ProducesEventStream<ErrorEntry>(ErrorStreamKind).LimitedAsEventStream();
    }

    internal static async Task<Results<Ok<IReadOnlyList<ErrorEntry>>, ValidationProblem>> ListAsync(long? after, int? limit, NodeRuntime node, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be between 1 and 1000"] });
        return TypedResults.Ok(await node.Queries.ErrorsAsync(after ?? 0, ct, limit ?? 100));
    }

    internal static EventStream<ErrorEntry> Stream([FromHeader(Name = "Last-Event-ID")] long? lastEventId, NodeRuntime node, StewardOptions options, CancellationToken ct)
    {
        var queries = node.Queries;
        var feed = LiveFeed.ReadAsync(node.Feed.SubscribeErrors, lastEventId ?? 0,
            (after, c) => queries.ErrorsAsync(after, c, LiveFeed.PageSize), e => e.Seq, StreamEnd<ErrorEntry>.Never, ct);
        return new EventStream<ErrorEntry>(feed, e => (ErrorStreamKind, e.Seq), StewardJson.Default.ErrorEntry, TimeSpan.FromSeconds(options.SseHeartbeatSeconds));
    }
}
