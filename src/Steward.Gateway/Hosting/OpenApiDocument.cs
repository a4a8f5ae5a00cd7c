using Microsoft.AspNetCore.OpenApi;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Steward.Gateway.Hosting;

/// <summary>The served OpenAPI document: no host-dependent servers, the bearer scheme for Swagger UI's Authorize button.</summary>
internal static class OpenApiDocument
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue("403", out var forbidden) == true && forbidden is OpenApiResponse response)
                response.Description = "Forbidden: the operator's role is read; this needs operate";
            if (operation.OperationId is { } name && name.StartsWith("Stream", StringComparison.Ordinal)
                && operation.Responses?.TryGetValue("503", out var full) == true && full is OpenApiResponse tooMany)
            {
                tooMany.Description = "Too many event streams are open (Steward:MaxEventStreams); try again after Retry-After seconds";
                tooMany.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader { Required = true, Description = "Seconds to wait before trying again", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                };
            }
            if (operation.Responses?.TryGetValue("202", out var accepted) == true && accepted is OpenApiResponse acceptedResponse)
                acceptedResponse.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Location"] = new OpenApiHeader { Required = true, Description = "Where to follow it: the (first) message or the batch", Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                };
            if (operation.OperationId is not ("PostMessages" or "PostBatch")) return Task.CompletedTask;
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                media.Example = JsonNode.Parse(operation.OperationId == "PostBatch" ? BatchExample : MessageExample);
                if (operation.OperationId == "PostMessages" && media.Schema is { } message)   // one message, or an array of them
                    media.Schema = new OpenApiSchema { OneOf = [message, new OpenApiSchema { Type = JsonSchemaType.Array, Items = message }] };
            }
            return Task.CompletedTask;
        });
        // data has a converter of its own (DataConverter), which hides its type from the generator: base64, as every node writes it.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is { Name: "data" } property && property.PropertyType == typeof(byte[]))
            {
                schema.Type = JsonSchemaType.String;
                schema.Format = "byte";
                schema.Description = "Base64. In input, also the original Steward's form: an array of strings, joined one per line.";
            }
            // A count or a percentage (CountOrPercent's converter, which hides the two forms from the generator).
            if (context.JsonPropertyInfo is { Name: "maxConcurrency" or "maxErrors" } limit && limit.DeclaringType == typeof(Steward.Core.Messages.Message))
            {
                schema.OneOf =
                [
                    new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Description = "A count of nodes" },
                    new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]+%$", Description = "A percentage of the nodes, rounded up, at least one node" },
                ];
                schema.Description = limit.Name == "maxConcurrency"
                    ? "POST /messages/batch: a rollout that keeps at most this many nodes' messages released and not final at a time"
                    : "POST /messages/batch, with maxConcurrency: the errors (a message failed, rejected, or replied with a non-zero exit code) that stop the rollout; what still waits is cancelled";
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(OpenApiPublicEndpoints.MarkPublic);
        options.AddOperationTransformer(OpenApiEventStreams.Describe);
        options.AddDocumentTransformer(Describe);
    }

    private const string MessageExample = """
        {"toNode":"ship1","method":"REQCliCommand","methodArgs":["bash","-c","uptime"],"ACKTimeout":10,"retries":3,"methodTimeout":10}
        """;

    private const string BatchExample = """
        {"toHosts":["ship1","ship2"],"method":"REQCliCommand","methodArgs":["bash","-c","uptime"],"directory":"uptime","fileName":"uptime.log"}
        """;

    private static Task Describe(Microsoft.OpenApi.OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        // The contract in openapi.yaml must not depend on the host name a request came in on: relative to where it is served.
        document.Servers = [new OpenApiServer { Url = "/" }];
        document.Info.Title = "Steward gateway";
        document.Info.Description = "Command and control for fleets: post messages to nodes, follow their state and replies.";
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Messages", Description = "Send messages to nodes and follow their state and replies" },
            new() { Name = "Batches", Description = "Fan-out: one message to many nodes, followed as one batch" },
            new() { Name = "Nodes", Description = "The node registry, from the nodes' hello messages" },
            new() { Name = "Errors", Description = "Central's error log" },
            new() { Name = "Health", Description = "Broker connection and database, without a token" },
            new() { Name = OpenApiPublicEndpoints.Tag, Description = "This document and Swagger UI, without a token" },
            new() { Name = GatewayMetrics.Tag, Description = "Prometheus's scrape of the gateway's metrics" },
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An operator token: from operators add, Steward__ApiToken, or the api-token file the gateway made",
        };
        document.Components.SecuritySchemes[OpenApiEventStreams.AccessTokenScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "access_token",
            Description = "Event streams only: the operator token as ?access_token=, for a browser's EventSource, which cannot send headers",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
        OpenApiPublicEndpoints.Describe(document, context.DocumentName);
        GatewayMetrics.Describe(document);
        OpenApiAbsentValues.Apply(document);
        return Task.CompletedTask;
    }
}
