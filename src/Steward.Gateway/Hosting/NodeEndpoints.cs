using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.Core.Fleet;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Trust;
using Steward.Gateway.Auth;
using Steward.Gateway.Fleet;

namespace Steward.Gateway.Hosting;

/// <summary>
/// A node central knows: by hello (first and last seen, online when seen within two hello intervals, version, OS,
/// architecture), by key (its enrolled key, and a key it presented that waits for an operator's approval), and its
/// labels: those of its hello with those an operator set on central (<c>operatorLabels</c>), the operator's winning; and
/// the metrics summary of its last hello (its counters since it started: docs/metrics.md).
/// </summary>
public sealed record NodeView(
    string Name, DateTime? FirstSeen, DateTime? LastSeen, bool Online, string? Version, string? Os, string? Arch, DateTime? StartedAt,
    string? PublicKey, string? PendingKey, IReadOnlyDictionary<string, string>? Labels = null, IReadOnlyDictionary<string, string>? OperatorLabels = null,
    HelloMetrics? Metrics = null);

/// <summary>An operator's approval of a node's key; without a key, the one the node presented in its hello.</summary>
public sealed record ApproveNode(string? PublicKey);

/// <summary>The key now enrolled for a node.</summary>
public sealed record EnrolledNode(string Name, string PublicKey);

/// <summary><c>/nodes</c>: the node registry kept from <c>REQHello</c>, the labels operators set, and the enrolment of node keys.</summary>
internal static partial class NodeEndpoints
{
    public static void MapNodeEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/nodes").WithTags("Nodes").RequireAuthorization(OperatorRoles.Read).ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListAsync).WithName("ListNodes")
            .WithSummary("Nodes seen by hello or enrolled: last seen, online, version, OS, architecture, labels, enrolled and pending keys; ?selector=role=web,site!=south filters by labels");
        group.MapPut("/{name}/labels", SetLabelsAsync).WithName("SetNodeLabels").RequireAuthorization(OperatorRoles.Operate)
            .WithSummary("Sets the labels an operator gives a node (a JSON object, e.g. {\"tier\":\"canary\"}; {} removes them): they win over the node's own, and its hellos keep them")
            .Accepts<Dictionary<string, string>>("application/json")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/{name}/approve", ApproveAsync).WithName("ApproveNode").RequireAuthorization(OperatorRoles.Operate)
            .WithSummary("Enrols a node's key (the one it presented, or the one in the body) and sends it the key set")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    internal static async Task<Results<Ok<IReadOnlyList<NodeView>>, ValidationProblem>> ListAsync(
        [FromQuery(Name = "selector")] string? selector, NodeRuntime node, StewardOptions options, TimeProvider time, CancellationToken ct)
    {
        Selector? matching = null;
        if (selector is not null && (matching = Selector.Parse(selector, out var problem)) is null) return Invalid("selector", problem!);
        var registry = await NodeRegistry.ReadAsync(node, options, time, ct);
        // A node without labels (not heard from yet, or older) matches only selectors that ask for no label.
        return TypedResults.Ok<IReadOnlyList<NodeView>>(registry.Where(n => matching is null || matching.Matches(n.Target().Labels)).Select(n => n.View()).ToList());
    }

    /// <summary>The most labels an operator sets on one node, as many as a hello may carry.</summary>
    private const int MaxLabels = 64;

    internal static async Task<Results<Ok<NodeView>, ValidationProblem, ProblemHttpResult>> SetLabelsAsync(
        string name, [FromBody] Dictionary<string, string>? body, NodeRuntime node, StewardOptions options, TimeProvider time, ClaimsPrincipal user,
        ILogger<NodeView> log, CancellationToken ct)
    {
        if (!NodeName.IsValid(name)) return Invalid("name", $"'{name}' must match {NodeName.Rule}");
        if (body is null) return Invalid("body", "give the labels as a JSON object, e.g. {\"tier\":\"canary\"} ({} removes them)");
        var problems = body.Where(l => !Labels.IsWord(l.Key) || !Labels.IsWord(l.Value ?? ""))
            .ToDictionary(l => l.Key, l => new[] { $"'{l.Key}': '{l.Value}' is not a label: keys and values are {Labels.WordRule}" }, StringComparer.Ordinal);
        if (body.Count > MaxLabels) problems["body"] = [$"{body.Count} labels; at most {MaxLabels} per node"];
        if (problems.Count > 0) return TypedResults.ValidationProblem(problems);
        if (!(await NodeRegistry.ReadAsync(node, options, time, ct)).Any(n => n.Name == name))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown node",
                detail: $"central knows no node {name}: it has not said hello, is not enrolled and waits for no approval");
        await node.SetNodeLabelsAsync(name, body, user.Identity?.Name);
        Log.LabelsSet(log, user.Identity?.Name, name, string.Join(",", body.Select(l => $"{l.Key}={l.Value}")));
        return TypedResults.Ok((await NodeRegistry.ReadAsync(node, options, time, ct)).First(n => n.Name == name).View());
    }

    internal static async Task<Results<Ok<EnrolledNode>, ValidationProblem, ProblemHttpResult>> ApproveAsync(
        string name, ApproveNode? body, NodeRuntime node, ClaimsPrincipal user, ILogger<ApproveNode> log)
    {
        if (!NodeName.IsValid(name)) return Invalid("name", $"'{name}' must match {NodeName.Rule}");
        var (outcome, key) = await node.Enrolment.ApproveAsync(name, body?.PublicKey);
        switch (outcome)
        {
            case EnrolmentOutcome.Enrolled:
                Log.Approved(log, user.Identity?.Name, name, key!);
                return TypedResults.Ok(new EnrolledNode(name, key!));
            case EnrolmentOutcome.BadKey:
                return Invalid("publicKey", $"'{key}' is not a public nkey (U..., as --print-public-key prints it)");
            case EnrolmentOutcome.AlreadyEnrolled:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already enrolled",
                    detail: $"{name} is enrolled with {key}; to replace its key, give the new one in the body: {{\"publicKey\":\"U...\"}}");
            case EnrolmentOutcome.Pinned:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Pinned in configuration",
                    detail: $"the key of {name} is pinned in Steward:TrustedKeys ({key}); change it there");
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Nothing to approve",
                    detail: $"node {name} has presented no key; give it in the body: {{\"publicKey\":\"U...\"}} (the node prints it with --print-public-key)");
        }
    }

    private static ValidationProblem Invalid(string field, string problem) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [problem] });

    private static partial class Log
    {
        [LoggerMessage(9101, LogLevel.Warning, "Operator {Operator} approved the key {PublicKey} of node {Node}")]
        public static partial void Approved(ILogger logger, string? @operator, string node, string publicKey);

        [LoggerMessage(9102, LogLevel.Information, "Operator {Operator} set the labels of node {Node}: {Labels}")]
        public static partial void LabelsSet(ILogger logger, string? @operator, string node, string labels);
    }
}
