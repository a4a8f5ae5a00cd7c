using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Outbound;
using Steward.Core.State;
using Steward.Gateway.Auth;
using Steward.Gateway.Fleet;
using Steward.Gateway.Hosting;

namespace Steward.Gateway.Messages;

/// <summary><c>/messages</c>: post messages, read their state, follow their events.</summary>
internal static class MessageEndpoints
{
    public static RouteGroupBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/messages").WithTags("Messages").RequireAuthorization(OperatorRoles.Read).ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/", PostAsync).WithName("PostMessages").RequireAuthorization(OperatorRoles.Operate).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Send one message, or an array of messages; each destination node gets its own id; a selector or name patterns (ship*) are resolved against the node registry")
            .Accepts<Message>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/", ListAsync).WithName("ListMessages")
            .WithSummary("Messages sent from this node, newest first; filter by node, state and method, page with after");
        group.MapGet("/{id:long}", GetAsync).WithName("GetMessage").WithSummary("A message's state, attempts, replies and last error")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:long}", CancelAsync).WithName("CancelMessage").RequireAuthorization(OperatorRoles.Operate).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Cancel: stop retrying, or ask the node to stop the running method")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/", CancelQueuedAsync).WithName("CancelQueuedMessages").RequireAuthorization(OperatorRoles.Operate).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Clear the queue: cancel every unfinished message to node, in state, or older than olderThan (30m, 2h, 7d)");
        group.MapGet("/{id:long}/events", StreamEventsAsync).WithName("StreamMessageEvents")
            .WithSummary("Server-sent events: state changes and reply output; Last-Event-ID resumes")
            .ProducesEventStream<MessageEvent>(EventKinds.State, EventKinds.Reply, EventKinds.Error).LimitedAsEventStream().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static async Task<Results<Accepted<AcceptedMessages>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request, ClaimsPrincipal user, NodeRuntime node, StewardOptions options, TimeProvider time, ILogger<OperatorLog> log, CancellationToken ct)
    {
        var body = await MessageBody.ReadAsync(request, options, EntryPoint.CentralMessages, ct);
        if (body.TooLarge) return MessageBody.TooLargeProblem(body);
        if (body.Errors.Count > 0) return TypedResults.ValidationProblem(body.Errors);
        var resolved = await TargetResolution.ResolveAsync(body.Messages, body.IsArray, node, options, time, ct);
        if (resolved.Errors.Count > 0) return TypedResults.ValidationProblem(resolved.Errors);
        var ids = (await node.Outbox.AcceptMessagesAsync(resolved.Messages, operatorName: user.Identity?.Name, ct: ct)).Select(m => m.Id).ToList();
        OperatorLog.Posted(log, user.Identity?.Name, ids);
        var links = ids.Select(id => $"/messages/{id}").ToList();
        return TypedResults.Accepted(links[0], new AcceptedMessages(ids, links));
    }

    internal static async Task<Results<Ok<MessageView>, ProblemHttpResult>> GetAsync(long id, NodeRuntime node, CancellationToken ct)
    {
        if (await node.Queries.FindOutboundAsync(id, ct) is not { } row) return NotFound(id);
        return TypedResults.Ok(await ViewAsync(row, node, ct));
    }

    internal static async Task<Results<Accepted<CancelledMessages>, ValidationProblem>> CancelQueuedAsync(
        [AsParameters] QueueClearing clearing, ClaimsPrincipal user, NodeRuntime node, ILogger<OperatorLog> log, CancellationToken ct)
    {
        if (clearing.Problems() is { Count: > 0 } problems) return TypedResults.ValidationProblem(problems);
        var ids = await node.Outbox.CancelQueuedAsync(clearing.Filter(), ct);
        OperatorLog.Cancelled(log, user.Identity?.Name, ids);
        // Where to follow it: the cancelled messages (their cancels to the nodes are on their way).
        var location = "/messages?state=cancelled" + (clearing.Node is { } to ? $"&node={to}" : "");
        return TypedResults.Accepted(location, new CancelledMessages(ids.Count, ids));
    }

    internal static async Task<Results<Ok<MessageView>, ProblemHttpResult>> CancelAsync(long id, NodeRuntime node, CancellationToken ct)
    {
        switch (await node.CancelAsync(id, ct))
        {
            case CancelOutcome.NotFound:
                return NotFound(id);
            case CancelOutcome.AlreadyFinal:
                var final = await node.Queries.FindOutboundAsync(id, ct);
                return TypedResults.Problem($"message {id} is already {final?.State}; only a message still on its way or running can be cancelled",
                    statusCode: StatusCodes.Status409Conflict, title: "Message already final");
            default:
                return TypedResults.Ok(await ViewAsync((await node.Queries.FindOutboundAsync(id, ct))!, node, ct));
        }
    }

    private static async Task<MessageView> ViewAsync(OutboundMessage row, NodeRuntime node, CancellationToken ct)
    {
        var events = await node.Queries.EventsAsync(row.Id, afterSeq: 0, ct);
        var replies = events.Where(e => e.Kind == EventKinds.Reply).Select(e => e.Output ?? "").ToList();
        return new MessageView(row.Id, row.ToNode, row.Method, row.State, row.Attempts, row.LastError, row.CreatedAt, row.UpdatedAt, replies, events);
    }

    internal static async Task<Results<Ok<MessagePage>, ValidationProblem>> ListAsync([AsParameters] MessageQuery query, NodeRuntime node, CancellationToken ct)
    {
        if (query.Problems() is { Count: > 0 } problems) return TypedResults.ValidationProblem(problems);
        var limit = query.Limit ?? 50;
        var rows = await node.Queries.ListOutboundAsync(query.Node, query.State, query.Method, query.After, limit, ct);
        return TypedResults.Ok(new MessagePage(rows.Select(MessageSummary.Of).ToList(), rows.Count == limit ? rows[^1].Id : null));
    }

    internal static async Task<Results<EventStream<MessageEvent>, ProblemHttpResult>> StreamEventsAsync(
        long id, [FromHeader(Name = "Last-Event-ID")] long? lastEventId, NodeRuntime node, StewardOptions options, CancellationToken ct)
    {
        if (await node.Queries.FindOutboundAsync(id, ct) is not { } row) return NotFound(id);
        var queries = node.Queries;
        var feed = LiveFeed.ReadAsync(() => node.Feed.SubscribeMessage(id), lastEventId ?? 0,
            (after, c) => queries.EventsAsync(id, after, c, LiveFeed.PageSize), e => e.Seq, new MessageEnd(queries, id, MessageStates.IsFinal(row.State)), ct);
        return Stream(feed, options);
    }

    /// <summary>Message events as SSE: the event type is the kind (state, reply, error), the id the stored sequence.</summary>
    internal static EventStream<MessageEvent> Stream(IAsyncEnumerable<MessageEvent> events, StewardOptions options) =>
        new(events, e => (e.Kind, e.Seq), StewardJson.Default.MessageEvent, TimeSpan.FromSeconds(options.SseHeartbeatSeconds));

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem($"no message with id {id} was sent from this node", statusCode: StatusCodes.Status404NotFound, title: "Unknown message");
}
