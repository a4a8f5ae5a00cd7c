using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Steward.Gateway.Hosting;

/// <summary>The served OpenAPI document: no host-dependent servers, the bearer scheme for Swagger UI's Authorize button.</summary>
internal static class OpenApiDocument
{
    public static void Configure(OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        // The contract in openapi.yaml must not depend on the host name a request came in on.
        document.Servers?.Clear();
        document.Info.Title = "Steward gateway";
        document.Info.Description = "Command and control for fleets: post messages to nodes, follow their state and replies.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The operator token (--token, or the api-token file the gateway made)",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
        return Task.CompletedTask;
    });
}
