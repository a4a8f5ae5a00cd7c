using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Steward.Gateway.Hosting;

/// <summary>Endpoint metadata: the kinds of event (the <c>event:</c> lines) a server-sent event stream sends.</summary>
internal sealed record EventStreamKinds(IReadOnlyList<string> Kinds);

/// <summary>
/// Event streams in the OpenAPI document: the response is <c>text/event-stream</c>, a byte stream to a generated client
/// (<c>format: binary</c>), and <c>x-itemSchema</c> describes each event as OpenAPI 3.2's <c>itemSchema</c> does (3.1 has
/// no field for it): its <c>event</c> kind, its <c>id</c> (the seq, for <c>Last-Event-ID</c>) and its <c>data</c>, one
/// JSON value of the listed schema. A stream takes the token as the bearer header or as <c>?access_token=</c>.
/// </summary>
internal static class OpenApiEventStreams
{
    public const string MediaType = "text/event-stream";
    public const string ItemSchemaExtension = "x-itemSchema";
    public const string AccessTokenScheme = "AccessToken";

    /// <summary>200 as an event stream of <typeparamref name="T"/> with these kinds; 400 for a malformed <c>Last-Event-ID</c>.</summary>
    public static RouteHandlerBuilder ProducesEventStream<T>(this RouteHandlerBuilder endpoint, params string[] kinds) =>
        endpoint.Produces<T>(StatusCodes.Status200OK, MediaType).WithMetadata(new EventStreamKinds(kinds)).ProducesValidationProblem();

    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<EventStreamKinds>().FirstOrDefault() is not { } stream) return Task.CompletedTask;
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok!.Content?.TryGetValue(MediaType, out var media) != true) return Task.CompletedTask;
        var data = media!.Schema as OpenApiSchemaReference ?? throw new InvalidOperationException($"{operation.OperationId}: the event data has no schema of its own");
        media.Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.String, Format = "binary",
            Description = $"Server-sent events: each is an `event:` line ({string.Join(", ", stream.Kinds)}), a `data:` line with one {data.Reference.Id} as JSON " +
                          "and an `id:` line; a `: heartbeat` comment keeps a quiet stream open. Each event is described by x-itemSchema.",
        };
        media.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        media.Extensions[ItemSchemaExtension] = new JsonNodeExtension(ItemSchema(stream.Kinds, data.Reference.Id!));
        // Either the bearer header or ?access_token= (see BearerTokenHandler).
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Auth.BearerTokenHandler.SchemeName, context.Document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AccessTokenScheme, context.Document)] = [] },
        ];
        return Task.CompletedTask;
    }

    private static JsonObject ItemSchema(IReadOnlyList<string> kinds, string dataSchema) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("event", "data", "id"),
        ["properties"] = new JsonObject
        {
            ["event"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. kinds.Select(k => JsonValue.Create(k))]) },
            ["data"] = new JsonObject
            {
                ["type"] = "string", ["contentMediaType"] = "application/json",
                ["contentSchema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{dataSchema}" },
            },
            ["id"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]+$", ["description"] = "The event's seq: send the last one seen as Last-Event-ID to resume" },
        },
    };
}
