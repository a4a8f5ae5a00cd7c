using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.OpenApi.YamlReader;
using SharpYaml.Serialization;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Contract;

/// <summary>One operation of openapi.yaml: its method, path template and documented responses.</summary>
public sealed record ContractOperation(string Method, string Path, string Id, JsonObject Node, bool IsPublic)
{
    public IEnumerable<string> Statuses => Node["responses"]!.AsObject().Select(r => r.Key);

    public JsonObject? Response(string status) => Node["responses"]?[status] as JsonObject;

    /// <summary>The path with each <c>{parameter}</c> replaced, to call it.</summary>
    public string PathWith(Func<string, string> parameter) => Regex.Replace(Path, "{([^}]+)}", m => parameter(m.Groups[1].Value));
}

/// <summary>
/// The repository's openapi.yaml, read as JSON (OpenAPI.NET's YAML converter), with a maintained third-party JSON Schema
/// 2020-12 validator (JsonSchema.Net) for the bodies its operations answer; <c>$ref</c>s resolve inside the document.
/// </summary>
public sealed class OpenApiContract
{
    private static readonly Uri BaseUri = new("https://steward.invalid/openapi.yaml");
    private readonly EvaluationOptions _options;

    static OpenApiContract()
    {
        // OpenAPI's own formats, which JSON Schema leaves to the application: checked too.
        Formats.Register(new PredicateFormat("int32", node => node is not JsonValue v || !v.TryGetValue<double>(out var d) || d is >= int.MinValue and <= int.MaxValue && d == Math.Floor(d)));
        Formats.Register(new PredicateFormat("int64", node => node is not JsonValue v || !v.TryGetValue<double>(out _) || long.TryParse(v.ToJsonString(), CultureInfo.InvariantCulture, out _)));
    }

    private OpenApiContract(JsonNode document)
    {
        Document = document;
        _options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        _options.SchemaRegistry.Register(new JsonNodeBaseDocument(document, BaseUri));
        var secured = document["security"] is JsonArray { Count: > 0 };
        Operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Path: path.Key, Method: op.Key.ToUpperInvariant(), Node: op.Value!.AsObject())))
            .Select(o => new ContractOperation(o.Method, o.Path, o.Node["operationId"]!.GetValue<string>(), o.Node,
                IsPublic: o.Node["security"] is JsonArray own ? own.Count == 0 : !secured))
            .ToList();
    }

    public JsonNode Document { get; }

    public IReadOnlyList<ContractOperation> Operations { get; }

    public static OpenApiContract Load()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "openapi.yaml"))));
        return new OpenApiContract(YamlConverter.ToJsonNode(yaml.Documents[0]));
    }

    /// <summary>The operation a request is for: a literal path segment wins over a parameter (<c>/messages/batch</c> over <c>/messages/{id}</c>).</summary>
    public ContractOperation? Find(string method, string path) => Operations
        .Where(o => o.Method == method && Regex.IsMatch(path, "^" + Regex.Replace(Regex.Escape(o.Path), @"\\\{[^}]+}", "[^/]+") + "$"))
        .OrderBy(o => o.Path.Count(c => c == '{'))
        .FirstOrDefault();

    /// <summary>Every rule <paramref name="instance"/> breaks of <paramref name="schema"/> (a schema node of the document), as "JSON path: rule".</summary>
    public IReadOnlyList<string> Violations(JsonNode? instance, JsonNode schema)
    {
        var results = JsonSchema.FromText(Absolute(schema.DeepClone()).ToJsonString()).Evaluate(instance, _options);
        if (results.IsValid) return [];
        return results.Details.Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Key}: {e.Value} (schema {d.SchemaLocation})"))
            .DefaultIfEmpty("invalid")
            .ToList();
    }

    /// <summary>A schema taken out of the document keeps pointing into it: <c>#/components/…</c> becomes absolute.</summary>
    private static JsonNode Absolute(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith('#')) o[key] = BaseUri + reference;
                    else if (value is not null) Absolute(value);
                break;
            case JsonArray a:
                foreach (var item in a.OfType<JsonNode>()) Absolute(item);
                break;
        }
        return node;
    }
}
