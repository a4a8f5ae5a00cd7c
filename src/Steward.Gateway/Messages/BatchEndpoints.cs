using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.Core.Fleet;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.Gateway.Auth;
using Steward.Gateway.Fleet;
using Steward.Gateway.Hosting;

namespace Steward.Gateway.Messages;

public sealed record BatchAccepted(long BatchId, IReadOnlyDictionary<string, long> Ids, string Link);

public sealed record BatchSummary(
    int Total, int Done, int Failed, int Rejected, int Cancelled, int InProgress,
    [property: Description("Messages of a rollout not released yet (part of inProgress)")] int Waiting);

/// <summary>
/// A fan-out: each node's message and a summary; what it was asked to reach (<c>selector</c>, <c>targets</c> as given,
/// name patterns included, <c>onlyOnline</c>) and the <c>nodes</c> that resolved to; and its rollout, when it has one.
/// </summary>
public sealed record BatchView(
    long BatchId, BatchSummary Summary, IReadOnlyList<MessageSummary> Messages, string? Selector = null, IReadOnlyList<string>? Targets = null,
    bool? OnlyOnline = null, IReadOnlyList<string>? Nodes = null, RolloutView? Rollout = null);

/// <summary>
/// A rollout: its limits as given (<c>maxConcurrency</c>, <c>maxErrors</c>: a count or a percentage) and as counts of
/// nodes (<c>concurrency</c>, <c>errorLimit</c>), how many <c>waves</c> that makes, the last <c>wave</c> released, its
/// <c>errors</c>, and its <c>state</c>: running, done, or stopped with <c>stopReason</c>; <c>nextWaveAt</c> while it
/// sleeps between waves.
/// </summary>
public sealed record RolloutView(
    [property: Description("running, done (every node released and final), or stopped (its errors reached errorLimit: what waited was cancelled)")] string State,
    [property: Description(RolloutView.AsGiven)] string MaxConcurrency, int Concurrency, [property: Description(RolloutView.AsGiven)] string? MaxErrors, int? ErrorLimit,
    int BatchSleepSeconds, int Waves, [property: Description("The last wave released so far")] int Wave,
    [property: Description("Messages released that ended failed or rejected, or replied with a non-zero exit code")] int Errors,
    string? StopReason, [property: Description("While it sleeps between waves: when the next one goes")] DateTime? NextWaveAt)
{
    public const string AsGiven = "As given, as text: a count (\"3\") or a percentage (\"25%\"); the count of nodes it makes is beside it";
}

/// <summary>What a fan-out would reach, without sending: its nodes in the order they would be sent to, and its rollout's waves.</summary>
public sealed record BatchPreview(IReadOnlyList<string> Nodes, int Count, RolloutPreview? Rollout);

public sealed record RolloutPreview(
    [property: Description(RolloutView.AsGiven)] string MaxConcurrency, int Concurrency, [property: Description(RolloutView.AsGiven)] string? MaxErrors,
    int? ErrorLimit, int BatchSleepSeconds, int Waves);

/// <summary>
/// Fan-out: one message to many nodes (<c>toHosts</c>/<c>toNodes</c>, name patterns, a label selector), followed as one
/// batch, sent at once or as a rollout (<c>maxConcurrency</c>, <c>maxErrors</c>, <c>batchSleepSeconds</c>).
/// </summary>
internal static class BatchEndpoints
{
    public static void MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/messages/batch", PostAsync).WithTags("Batches").RequireAuthorization(OperatorRoles.Operate).WithName("PostBatch")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Send one message to every node in toHosts/toNodes (names or patterns such as ship*) and matching selector; onlyOnline; " +
                         "a rollout with maxConcurrency, maxErrors and batchSleepSeconds. 202 with a batch id and one message id per node")
            .Accepts<Message>("application/json").ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        app.MapPost("/messages/batch/preview", PreviewAsync).WithTags("Batches").RequireAuthorization(OperatorRoles.Operate).WithName("PreviewBatch")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The nodes POST /messages/batch would send this body to, in order, and its rollout's waves; sends nothing")
            .Accepts<Message>("application/json").ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        var batches = app.MapGroup("/batches").WithTags("Batches").RequireAuthorization(OperatorRoles.Read).ProducesProblem(StatusCodes.Status401Unauthorized);
        batches.MapGet("/{id:long}", GetAsync).WithName("GetBatch")
            .WithSummary("Each node's state (and wave) and a summary of the fan-out; its selector, targets and resolved nodes; its rollout")
            .ProducesProblem(StatusCodes.Status404NotFound);
        batches.MapGet("/{id:long}/events", StreamEventsAsync).WithName("StreamBatchEvents")
            .WithSummary("Server-sent events of every message of the batch, each tagged with its node; a rollout's messages go waiting, " +
                         "then queued with their wave, or cancelled with the reason it stopped; Last-Event-ID resumes")
            .ProducesEventStream<MessageEvent>(EventKinds.State, EventKinds.Reply, EventKinds.Error).LimitedAsEventStream().ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal static async Task<Results<Accepted<BatchAccepted>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request, ClaimsPrincipal user, NodeRuntime node, StewardOptions options, TimeProvider time, ILogger<OperatorLog> log, CancellationToken ct)
    {
        var (message, fanOut, invalid, tooLarge) = await ResolveAsync(request, node, options, time, ct);
        if (tooLarge is not null) return tooLarge;
        if (invalid is not null) return invalid;
        var stored = await node.Outbox.AcceptFanOutAsync(message!, fanOut!, user.Identity?.Name, ct);
        OperatorLog.Posted(log, user.Identity?.Name, stored.Select(m => m.Id).ToList());
        var batchId = stored[0].Id;
        return TypedResults.Accepted($"/batches/{batchId}",
            new BatchAccepted(batchId, stored.ToDictionary(Steward.Core.Relay.RelayPolicy.Destination, m => m.Id, StringComparer.Ordinal), $"/batches/{batchId}"));
    }

    internal static async Task<Results<Ok<BatchPreview>, ValidationProblem, ProblemHttpResult>> PreviewAsync(
        HttpRequest request, NodeRuntime node, StewardOptions options, TimeProvider time, CancellationToken ct)
    {
        var (_, fanOut, invalid, tooLarge) = await ResolveAsync(request, node, options, time, ct);
        if (tooLarge is not null) return tooLarge;
        if (invalid is not null) return invalid;
        var nodes = fanOut!.Nodes;
        return TypedResults.Ok(new BatchPreview(nodes, nodes.Count, fanOut.Rollout is { } r
            ? new RolloutPreview(r.MaxConcurrency, r.Concurrency, r.MaxErrors, r.ErrorLimit, r.BatchSleepSeconds, r.Waves(nodes.Count))
            : null));
    }

    /// <summary>The body of a batch (or its preview) as one message with the fan-out it resolves to, or why not: invalid (400) or too large (413).</summary>
    private static async Task<(Message? Message, FanOut? FanOut, ValidationProblem? Invalid, ProblemHttpResult? TooLarge)> ResolveAsync(
        HttpRequest request, NodeRuntime node, StewardOptions options, TimeProvider time, CancellationToken ct)
    {
        var body = await MessageBody.ReadAsync(request, options, EntryPoint.CentralBatch, ct);
        if (body.TooLarge) return (null, null, null, MessageBody.TooLargeProblem(body));
        if (body.Errors.Count > 0) return (null, null, TypedResults.ValidationProblem(body.Errors), null);
        if (body.IsArray || body.Messages is not [var message])
            return (null, null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a batch is one message object with toHosts, toNodes or a selector"] }), null);
        var resolved = await TargetResolution.ResolveAsync([message], isArray: false, node, options, time, ct);
        if (resolved.Errors.Count > 0) return (null, null, TypedResults.ValidationProblem(resolved.Errors), null);
        return (message, resolved.FanOuts[0], null, null);
    }

    internal static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetAsync(long id, NodeRuntime node, CancellationToken ct)
    {
        var messages = await node.Queries.BatchAsync(id, ct);
        if (messages.Count == 0) return NotFound(id);
        int Count(string state) => messages.Count(m => m.State == state);
        var summary = new BatchSummary(messages.Count, Count(MessageStates.Done), Count(MessageStates.Failed), Count(MessageStates.Rejected),
            Count(MessageStates.Cancelled), messages.Count(m => !MessageStates.IsFinal(m.State)), Count(MessageStates.Waiting));
        var view = new BatchView(id, summary, messages.Select(MessageSummary.Of).ToList());
        if (await node.Queries.BatchEntryAsync(id, ct) is not { } batch) return TypedResults.Ok(view);   // sent before batches were recorded
        var nodes = JsonSerializer.Deserialize(batch.Nodes, StewardJson.Default.StringArray) ?? [];
        return TypedResults.Ok(view with
        {
            Selector = batch.Selector, Targets = JsonSerializer.Deserialize(batch.Targets, StewardJson.Default.StringArray), OnlyOnline = batch.OnlyOnline,
            Nodes = nodes,
            Rollout = batch is { RolloutState: { } state, MaxConcurrency: { } given, Concurrency: { } concurrency }
                ? new RolloutView(state, given, concurrency, batch.MaxErrors, batch.ErrorLimit, batch.BatchSleepSeconds,
                    (nodes.Length + concurrency - 1) / concurrency, batch.Wave, batch.Errors, batch.StopReason, batch.NextWaveAt)
                : null,
        });
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
