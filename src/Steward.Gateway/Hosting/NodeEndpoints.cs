using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Steward.Core.Fleet;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Trust;
using Steward.Gateway.Auth;

namespace Steward.Gateway.Hosting;

/// <summary>
/// A node central knows: by hello (first and last seen, online when seen within two hello intervals, version, OS,
/// architecture and labels) and by key (its enrolled key, and a key it presented that waits for an operator's approval).
/// </summary>
public sealed record NodeView(
    string Name, DateTime? FirstSeen, DateTime? LastSeen, bool Online, string? Version, string? Os, string? Arch, DateTime? StartedAt,
    string? PublicKey, string? PendingKey, IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>An operator's approval of a node's key; without a key, the one the node presented in its hello.</summary>
public sealed record ApproveNode(string? PublicKey);

/// <summary>The key now enrolled for a node.</summary>
public sealed record EnrolledNode(string Name, string PublicKey);

/// <summary><c>/nodes</c>: the node registry kept from <c>REQHello</c>, and the enrolment of node keys.</summary>
internal static partial class NodeEndpoints
{
    public static void MapNodeEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/nodes").WithTags("Nodes").RequireAuthorization(OperatorRoles.Read).ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListAsync).WithName("ListNodes")
            .WithSummary("Nodes seen by hello or enrolled: last seen, online, version, OS, architecture, labels, enrolled and pending keys; ?selector=role=web,site!=south filters by labels");
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
        var onlineSince = time.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(2 * options.HelloIntervalSeconds);
        var seen = (await node.Queries.NodesAsync(ct)).ToDictionary(n => n.Name, StringComparer.Ordinal);
        var (known, pending) = (node.Keys.Known, node.Keys.Pending);
        var names = seen.Keys.Concat(known.Keys).Concat(pending.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var views = names.Select(name => seen.GetValueOrDefault(name) is { } n
                ? new NodeView(name, n.FirstSeen, n.LastSeen, n.LastSeen >= onlineSince, n.Version, n.Os, n.Arch, n.StartedAt,
                    known.GetValueOrDefault(name), pending.GetValueOrDefault(name), LabelsOf(n))
                : new NodeView(name, null, null, false, null, null, null, null, known.GetValueOrDefault(name), pending.GetValueOrDefault(name)));
        // A node without labels (not heard from yet, or older) matches only selectors that ask for no label.
        return TypedResults.Ok<IReadOnlyList<NodeView>>(
            views.Where(v => matching is null || matching.Matches(v.Labels ?? new Dictionary<string, string>())).ToList());
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

    private static Dictionary<string, string>? LabelsOf(Steward.Core.State.NodeEntry node) =>
        node.Labels is { } json ? JsonSerializer.Deserialize(json, StewardJson.Default.DictionaryStringString) : null;

    private static ValidationProblem Invalid(string field, string problem) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [problem] });

    private static partial class Log
    {
        [LoggerMessage(9101, LogLevel.Warning, "Operator {Operator} approved the key {PublicKey} of node {Node}")]
        public static partial void Approved(ILogger logger, string? @operator, string node, string publicKey);
    }
}
