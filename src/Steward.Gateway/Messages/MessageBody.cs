using System.Text.Json;
using Steward.Core.Messages;

namespace Steward.Gateway.Messages;

/// <summary>
/// Reads a POSTed body as one message or an array of messages, strictly: unknown fields, wrong types and bad values
/// come back as errors keyed by the field's wire name (prefixed with <c>[i].</c> inside an array).
/// </summary>
internal static class MessageBody
{
    public sealed record Parsed(IReadOnlyList<Message> Messages, Dictionary<string, string[]> Errors, bool TooLarge, bool IsArray = false);

    public static async Task<Parsed> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        for (int read; (read = await request.Body.ReadAsync(chunk, ct)) > 0;)
        {
            if (buffer.Length + read > maxBytes) return TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static Parsed Parse(ReadOnlyMemory<byte> body)
    {
        var first = body.Span.TrimStart(" \t\r\n"u8);
        if (first.IsEmpty) return Error("body", "the request body is empty; send a message as JSON, e.g. {\"toNode\":\"ship1\",\"method\":\"REQCliCommand\",\"methodArgs\":[\"uptime\"]}");
        try
        {
            var isArray = first[0] == (byte)'[';
            Message?[]? messages = isArray
                ? JsonSerializer.Deserialize<Message?[]>(body.Span, StewardJson.Strict)
                : [JsonSerializer.Deserialize<Message>(body.Span, StewardJson.Strict)];
            if (messages is not { Length: > 0 } || messages.Any(m => m is null))
                return Error("body", "expected a message object or a non-empty array of message objects");
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            for (var i = 0; i < messages.Length; i++)
                foreach (var (field, problems) in MessageValidator.Validate(messages[i]!))
                    errors[isArray ? $"[{i}].{field}" : field] = problems;
            return new Parsed(messages.OfType<Message>().ToList(), errors, TooLarge: false, isArray);
        }
        catch (JsonException e)
        {
            return Error(FieldOf(e.Path), $"invalid JSON: {e.Message}");
        }
    }

    /// <summary>Turns a JSON path such as <c>$.ACKTimeout</c> or <c>$[1].toNode</c> into the wire field name.</summary>
    private static string FieldOf(string? path) => path switch
    {
        null or "$" => "body",
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ => path.TrimStart('$'),
    };

    private static Parsed Error(string field, string problem) => new([], new() { [field] = [problem] }, TooLarge: false);

    private static Parsed TooLarge(long maxBytes) => new([], new() { ["body"] = [$"the request body is larger than {maxBytes} bytes"] }, TooLarge: true);
}
