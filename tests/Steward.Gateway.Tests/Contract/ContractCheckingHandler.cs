using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Steward.Gateway.Tests.Contract;

/// <summary>
/// A validating proxy inside the HttpClient: every answer is checked against openapi.yaml as it passes — an operation
/// for the method and path, a documented status, its security, required headers, a documented content type, and the
/// body against the response schema; an event stream event by event, as the client reads it.
/// </summary>
public sealed class ContractCheckingHandler(OpenApiContract contract, ContractReport report) : DelegatingHandler
{
    public const string EventStream = "text/event-stream";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        var call = $"{request.Method} {path} -> {status}";
        if (contract.Find(request.Method.Method, path) is not { } operation)
        {
            report.Violation(call, "openapi.yaml has no operation for this method and path");
            return response;
        }
        report.Exercised(operation, status);
        CheckSecurity(operation, request, status, call);
        if (operation.Response(status) is not { } documented)
        {
            report.Violation(call, $"status {status} is not documented for {operation.Id}");
            return response;
        }
        foreach (var (name, header) in documented["headers"]?.AsObject() ?? [])
            if (header?["required"]?.GetValue<bool>() == true && !response.Headers.Contains(name))
                report.Violation(call, $"the required header {name} is missing");

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var content = documented["content"] as JsonObject;
        if (mediaType is null)
        {
            if (content is { Count: > 0 }) report.Violation(call, $"no body, but openapi.yaml documents {string.Join(", ", content.Select(c => c.Key))}");
            return response;
        }
        if (content?[mediaType] is not JsonObject media)
        {
            report.Violation(call, $"content type {mediaType} is not documented (documented: {string.Join(", ", content?.Select(c => c.Key) ?? [])})");
            return response;
        }
        if (mediaType == EventStream)
        {
            response.Content = CheckedEventStream(await response.Content.ReadAsStreamAsync(cancellationToken), response.Content.Headers, media, operation, call);
            return response;
        }
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        CheckBody(body, mediaType, media, call);
        return response;
    }

    private void CheckSecurity(ContractOperation operation, HttpRequestMessage request, string status, string call)
    {
        var anonymous = request.Headers.Authorization is null && !request.RequestUri!.Query.Contains("access_token=", StringComparison.Ordinal);
        if (operation.IsPublic && status == "401") report.Violation(call, $"{operation.Id} is documented as public (security: []) but wants a token");
        if (!operation.IsPublic && anonymous && status != "401") report.Violation(call, $"{operation.Id} is documented as needing a token but answered without one");
    }

    private void CheckBody(string body, string mediaType, JsonObject media, string call)
    {
        if (media["schema"] is not { } schema) return;
        JsonNode? instance;
        if (mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            try
            {
                instance = JsonNode.Parse(body);
            }
            catch (JsonException e)
            {
                report.Violation(call, $"the {mediaType} body is not JSON: {e.Message}");
                return;
            }
        }
        else
        {
            instance = JsonValue.Create(body);   // a text body is one string
        }
        foreach (var rule in contract.Violations(instance, schema)) report.Violation(call, rule);
    }

    /// <summary>The same stream, each event checked against the media type's x-itemSchema, and its data against the contentSchema there.</summary>
    private StreamContent CheckedEventStream(Stream inner, HttpContentHeaders headers, JsonObject media, ContractOperation operation, string call)
    {
        var itemSchema = media["x-itemSchema"];
        if (itemSchema is null) report.Violation(call, "the event stream has no x-itemSchema describing its events");
        var dataSchema = itemSchema?["properties"]?["data"]?["contentSchema"];
        var checkedStream = new ServerSentEventTap(inner, (eventName, data, id) =>
        {
            report.EventChecked(operation);
            var item = new JsonObject { ["event"] = eventName, ["data"] = data };
            if (id is not null) item["id"] = id;
            var where = $"{call} event '{eventName}' id {id}";
            if (itemSchema is not null)
                foreach (var rule in contract.Violations(item, itemSchema)) report.Violation(where, rule);
            if (dataSchema is null) return;
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(data);
            }
            catch (JsonException e)
            {
                report.Violation(where, $"data is not JSON: {e.Message}");
                return;
            }
            foreach (var rule in contract.Violations(parsed, dataSchema)) report.Violation(where + " data", rule);
        });
        var content = new StreamContent(checkedStream);
        foreach (var header in headers) content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return content;
    }
}
