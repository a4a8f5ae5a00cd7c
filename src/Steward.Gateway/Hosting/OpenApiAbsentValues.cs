using Microsoft.OpenApi;

namespace Steward.Gateway.Hosting;

/// <summary>
/// The document's one rule for absent values, as the gateway's JSON options write them (<c>WhenWritingNull</c>): an
/// absent value is left out, never sent as <c>null</c>. So no schema allows <c>null</c>; a response schema lists in
/// <c>required</c> exactly the properties the gateway always sends (those whose C# type is not nullable), and a request
/// schema requires nothing (an absent field takes the node's default).
/// </summary>
internal static class OpenApiAbsentValues
{
    public static void Apply(Microsoft.OpenApi.OpenApiDocument document)
    {
        foreach (var body in Operations(document).Select(o => o.RequestBody).OfType<OpenApiRequestBody>())
        foreach (var media in body.Content?.Values ?? [])
        {
            // An optional body (ApproveNode? body) comes as oneOf [null, X]: the body may be left out, not sent as null.
            if (media.Schema is null) continue;
            var (schema, nullable) = WithoutNull(media.Schema);
            media.Schema = schema;
            if (nullable) body.Required = false;
        }

        var requestOnly = RequestOnlySchemas(document);
        foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            if (schema is OpenApiSchema { Properties: { } properties } objectSchema)
                objectSchema.Required = RequiredAfterRemovingNull(properties, isRequest: requestOnly.Contains(name));
    }

    private static HashSet<string> RequiredAfterRemovingNull(IDictionary<string, IOpenApiSchema> properties, bool isRequest)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in properties.Keys.ToList())
        {
            var (property, nullable) = WithoutNull(properties[name]);
            properties[name] = property;
            if (!nullable && !isRequest) required.Add(name);
        }
        return required;
    }

    /// <summary>The schema without its <c>null</c> alternative, and whether it had one.</summary>
    private static (IOpenApiSchema Schema, bool Nullable) WithoutNull(IOpenApiSchema schema)
    {
        if (schema is OpenApiSchema { Type: { } type } typed && type.HasFlag(JsonSchemaType.Null))
        {
            typed.Type = type & ~JsonSchemaType.Null;
            return (typed, true);
        }
        if (schema is OpenApiSchema { OneOf: { Count: > 0 } oneOf } && oneOf.Any(IsNull))
        {
            var rest = oneOf.Where(s => !IsNull(s)).ToList();
            if (rest.Count == 1) return (rest[0], true);
            ((OpenApiSchema)schema).OneOf = rest;
            return (schema, true);
        }
        return (schema, false);
    }

    private static bool IsNull(IOpenApiSchema schema) => schema is OpenApiSchema { Type: JsonSchemaType.Null };

    /// <summary>The component schemas reached from request bodies and never from a response.</summary>
    private static HashSet<string> RequestOnlySchemas(Microsoft.OpenApi.OpenApiDocument document)
    {
        var operations = Operations(document).ToList();
        var requests = Reached(document, operations.SelectMany(o => o.RequestBody?.Content?.Values ?? []).Select(m => m.Schema));
        var responses = Reached(document, operations.SelectMany(o => o.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).SelectMany(r => r.Content?.Values ?? []).Select(m => m.Schema));
        requests.ExceptWith(responses);
        return requests;
    }

    private static HashSet<string> Reached(Microsoft.OpenApi.OpenApiDocument document, IEnumerable<IOpenApiSchema?> roots)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<IOpenApiSchema>(roots.OfType<IOpenApiSchema>());
        while (pending.TryPop(out var schema))
        {
            if (schema is OpenApiSchemaReference { Reference.Id: { } id })
            {
                if (names.Add(id) && document.Components?.Schemas?.TryGetValue(id, out var target) == true) pending.Push(target);
                continue;
            }
            IEnumerable<IOpenApiSchema?> children =
            [
                schema.Items, schema.AdditionalProperties, .. schema.Properties?.Values ?? [], .. schema.OneOf ?? [], .. schema.AnyOf ?? [],
                .. schema.AllOf ?? [],
            ];
            foreach (var child in children.OfType<IOpenApiSchema>()) pending.Push(child);
        }
        return names;
    }

    private static IEnumerable<OpenApiOperation> Operations(Microsoft.OpenApi.OpenApiDocument document) =>
        document.Paths?.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()) ?? [];
}
