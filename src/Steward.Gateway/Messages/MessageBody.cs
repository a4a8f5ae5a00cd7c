using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Gateway.Messages;

/// <summary>
/// Reads a POSTed body, at most <c>MaxRequestBodyBytes</c> of it, as <see cref="MessageInput"/>, and holds it to the
/// gateway's limits: messages per request (413) and nodes per message (400 naming the field).
/// </summary>
internal static class MessageBody
{
    public sealed record Parsed(IReadOnlyList<Message> Messages, Dictionary<string, string[]> Errors, bool TooLarge, bool IsArray = false);

    public static async Task<Parsed> ReadAsync(HttpRequest request, StewardOptions options, EntryPoint entry, CancellationToken ct)
    {
        var maxBytes = options.MaxRequestBodyBytes;
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        for (int read; (read = await request.Body.ReadAsync(chunk, ct)) > 0;)
        {
            if (buffer.Length + read > maxBytes) return TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        var parsed = MessageInput.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), entry);
        if (parsed.Messages.Count > options.MaxMessagesPerRequest)
            return new([], new() { ["body"] = [$"{parsed.Messages.Count} messages in one request; at most {options.MaxMessagesPerRequest} (Steward:MaxMessagesPerRequest)"] },
                TooLarge: true);
        var errors = new Dictionary<string, string[]>(parsed.Errors);
        for (var i = 0; i < parsed.Messages.Count; i++)
            if (parsed.Messages[i] is var m && m.Destinations().Count > options.MaxNodesPerFanOut)
                errors[(parsed.IsArray ? $"[{i}]." : "") + (m.ToNodes is { Length: > 0 } ? "toNodes" : "toHosts")] =
                    [$"{m.Destinations().Count} nodes; at most {options.MaxNodesPerFanOut} per message (Steward:MaxNodesPerFanOut)"];
        return new Parsed(parsed.Messages, errors, TooLarge: false, parsed.IsArray);
    }

    /// <summary>The 413 problem for a body over the limit.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLargeProblem(Parsed body) =>
        TypedResults.Problem(body.Errors["body"][0], statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    private static Parsed TooLarge(long maxBytes) => new([], new() { ["body"] = [$"the request body is larger than {maxBytes} bytes"] }, TooLarge: true);
}
