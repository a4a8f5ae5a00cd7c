using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Steward.Gateway.Hosting;

/// <summary>
/// What needs no token says so: an endpoint without an authorization policy gets <c>security: []</c>, and the document
/// describes the other public pages the gateway serves (the document itself and Swagger UI), which the framework leaves out.
/// </summary>
internal static class OpenApiPublicEndpoints
{
    public const string Tag = "Documentation";

    public static Task MarkPublic(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any()) operation.Security = [];
        return Task.CompletedTask;
    }

    public static void Describe(Microsoft.OpenApi.OpenApiDocument document, string documentName)
    {
        document.Paths ??= [];
        document.Paths.Add($"/openapi/{documentName}.json", Page(document, "GetOpenApiJson", "This OpenAPI document, as JSON",
            "application/json", new OpenApiSchema { Type = JsonSchemaType.Object }));
        document.Paths.Add($"/openapi/{documentName}.yaml", Page(document, "GetOpenApiYaml", "This OpenAPI document, as YAML (the repository's openapi.yaml)",
            "text/plain+yaml", new OpenApiSchema { Type = JsonSchemaType.String }));
        document.Paths.Add("/swagger/index.html", Page(document, "SwaggerUi", "Swagger UI, to try every call from a browser",
            "text/html", new OpenApiSchema { Type = JsonSchemaType.String }));
    }

    private static OpenApiPathItem Page(Microsoft.OpenApi.OpenApiDocument document, string operationId, string summary, string contentType, OpenApiSchema schema) => new()
    {
        Operations = new()
        {
            [HttpMethod.Get] = new OpenApiOperation
            {
                Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
                Summary = summary,
                OperationId = operationId,
                Security = [],
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse { Description = "OK", Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() { Schema = schema } } },
                },
            },
        },
    };
}
