using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.Gateway.Auth;
using Steward.Gateway.Hosting;

namespace Steward.Gateway.Messages;

public sealed record BatchAccepted(long BatchId, IReadOnlyDictionary<string, long> Ids, string Link);

public sealed record BatchSummary(int Total, int Done, int Failed, int Rejected, int Cancelled, int InProgress);

public sealed record BatchView(long BatchId, BatchSummary Summary, IReadOnlyList<MessageSummary> Messages);

/// <summary>Fan-out: one message to many nodes (<c>toHosts</c>/<c>toNodes</c>), followed as one batch.</summary>
internal static class BatchEndpoints
{
    public static void MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/messages/batch", PostAsync).WithTags("Batches").RequireAuthorization(OperatorRoles.Operate).WithName("PostBatch")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Send one message to every node in toHosts/toNodes; 202 with a batch id and one message id per node")
            .Accepts<Steward.Core.Messages.Message>("application/json").ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        var batches = app.MapGroup("/batches").WithTags("Batches").RequireAuthorization(OperatorRoles.Read).ProducesProblem(StatusCodes.Status401Unauthorized);
        batches.MapGet("/{id:long}", GetAsync).WithName("GetBatch").WithSummary("Each node's state and a summary of the fan-out")
            .ProducesProblem(StatusCodes.Status404NotFound);
        batches.MapGet("/{id:long}/events", StreamEventsAsync).WithName("StreamBatchEvents")
            .WithSummary("Server-sent events of every message of the batch, each tagged with its node; Last-Event-ID resumes")
            .ProducesEventStream<MessageEvent>(EventKinds.State, EventKinds.Reply, EventKinds.Error).LimitedAsEventStream().ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal static async Task<Results<Accepted<BatchAccepted>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request, ClaimsPrincipal user, NodeRuntime node, StewardOptions options, ILogger<OperatorLog> log, CancellationToken ct)
    {
        var body = await MessageBody.ReadAsync(request, options, ct);
        if (body.TooLarge) return MessageBody.TooLargeProblem(body);
        if (body.Errors.Count > 0) return TypedResults.ValidationProblem(body.Errors);
        if (body.IsArray || body.Messages is not [var message])
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a batch is one message object with toHosts or toNodes"] });
        var stored = await node.Outbox.AcceptMessagesAsync([message], asBatch: true, operatorName: user.Identity?.Name, ct: ct);
        OperatorLog.Posted(log, user.Identity?.Name, stored.Select(m => m.Id).ToList());
        var batchId = stored[0].Id;
        return TypedResults.Accepted($"/batches/{batchId}",
            new BatchAccepted(batchId, stored.ToDictionary(Steward.Core.Relay.RelayPolicy.Destination, m => m.Id, StringComparer.Ordinal), $"/batches/{batchId}"));
    }

    internal static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetAsync(long id, NodeRuntime node, CancellationToken ct)
    {
        var messages = await node.Queries.BatchAsync(id, ct);
        if (messages.Count == 0) return NotFound(id);
        int Count(string state) => messages.Count(m => m.State == state);
        var summary = new BatchSummary(messages.Count, Count(MessageStates.Done), Count(MessageStates.Failed), Count(MessageStates.Rejected),
            Count(MessageStates.Cancelled), messages.Count(m => !MessageStates.IsFinal(m.State)));
        return TypedResults.Ok(new BatchView(id, summary, messages.Select(MessageSummary.Of).ToList()));
    }

    internal static async Task<Results<EventStream<MessageEvent>, ProblemHttpResult>> StreamEventsAsync(
        long id, [FromHeader(Name = "Last-Event-ID")] long? lastEventId, NodeRuntime node, StewardOptions options, CancellationToken ct)
    {
        if ((await node.Queries.BatchOpenAsync(id, ct)).Total == 0) return NotFound(id);
        var queries = node.Queries;
        var feed = LiveFeed.ReadAsync(() => node.Feed.SubscribeBatch(id), lastEventId ?? 0,
            (after, c) => queries.BatchEventsAsync(id, after, c, LiveFeed.PageSize), e => e.Seq, new BatchEnd(queries, id), ct);
        return MessageEndpoints.Stream(feed, options);
    }

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem($"no batch with id {id} was sent from this node", statusCode: StatusCodes.Status404NotFound, title: "Unknown batch");
}
