using System.Text.Json;

namespace Steward.Core.Messages;

/// <summary>
/// Operator input (a REST body, an inbox or startup file, a line on the socket) read as one message or an array of
/// messages, strictly: unknown fields, wrong types and bad values come back as errors keyed by the field's wire name
/// (prefixed with <c>[i].</c> inside an array).
/// </summary>
public static class MessageInput
{
    public sealed record Parsed(IReadOnlyList<Message> Messages, Dictionary<string, string[]> Errors, bool IsArray = false)
    {
        /// <summary>The errors as one line, e.g. for a <c>.error</c> file: <c>toNode: must match ...; ACKTimeout: ...</c>.</summary>
        public string Summary => string.Join("; ", Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
    }

    /// <summary>Reads <paramref name="input"/>; <paramref name="entry"/> decides which intake-only fields it may hold.</summary>
    public static Parsed Parse(ReadOnlySpan<byte> input, EntryPoint entry)
    {
        if (input.StartsWith("\uFEFF"u8)) input = input[3..];   // a UTF-8 byte order mark, as some editors write
        var first = input.TrimStart(" \t\r\n"u8);
        if (first.IsEmpty) return Error("body", "empty input; send a message as JSON, e.g. {\"toNode\":\"ship1\",\"method\":\"REQCliCommand\",\"methodArgs\":[\"uptime\"]}");
        try
        {
            var isArray = first[0] == (byte)'[';
            Message?[]? messages = isArray
                ? (Message?[]?)JsonSerializer.Deserialize(input, StewardJson.StrictMessages)
                : [JsonSerializer.Deserialize(input, StewardJson.StrictMessage)];
            if (messages is not { Length: > 0 } || messages.Any(m => m is null))
                return Error("body", "expected a message object or a non-empty array of message objects");
            messages = messages.Select(m => m! with { Directory = FromTopOfDataFolder(m.Directory) }).ToArray();
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            for (var i = 0; i < messages.Length; i++)
                foreach (var (field, problems) in MessageValidator.Validate(messages[i]!, entry).Concat(SetByNodes(messages[i]!)))
                    errors[isArray ? $"[{i}].{field}" : field] = problems;
            return new Parsed(messages.OfType<Message>().ToList(), errors, isArray);
        }
        catch (JsonException e)
        {
            return Error(FieldOf(e.Path), $"invalid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// The original put <c>directory</c> under the node's data folder whatever its form, so a leading <c>/</c> means
    /// "from the top of the data folder" (<c>/var/cli/result</c> is <c>&lt;data&gt;/data/var/cli/result</c>), never outside it.
    /// </summary>
    private static string? FromTopOfDataFolder(string? directory) => directory is ['/', ..] ? directory.TrimStart('/') : directory;

    /// <summary>
    /// Fields only a node sets: its signature, and the origin a relay node forwards. (<c>createdAt</c> is accepted and
    /// replaced, so a line of the audit log can be posted again; so is <c>traceParent</c>, when valid, by a node in a span.)
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string[]>> SetByNodes(Message message)
    {
        if (message.Signature is not null) yield return new("signature", ["signature is set by the node that sends the message"]);
        if (message.Origin is not null) yield return new("origin", ["origin is set by a relay node, not in input"]);
        if (message.IsReply) yield return new("isReply", ["isReply is set by the node that replies"]);
        if (message.ReplySeq != 0) yield return new("replySeq", ["replySeq is set by the node that replies"]);
        if (message.ReplyLast) yield return new("replyLast", ["replyLast is set by the node that replies"]);
        if (message.ReplyPart is not null) yield return new("replyPart", ["replyPart is set by the node that replies"]);
        if (message.PreviousMessage is not null) yield return new("previousMessage", ["previousMessage is set by the node that replies or relays"]);
        // Accepted (an audit log line carries one) only in its form: from the wire a malformed one is ignored, from input it is a mistake.
        if (message.TraceParent is { } trace && Telemetry.StewardTracing.Parse(trace) is null)
            yield return new("traceParent", [$"traceParent must be {Telemetry.StewardTracing.W3CRule}, was '{trace}'"]);
    }

    /// <summary>Turns a JSON path such as <c>$.ACKTimeout</c> or <c>$[1].toNode</c> into the wire field name.</summary>
    private static string FieldOf(string? path) => path switch
    {
        null or "$" => "body",
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ => path.TrimStart('$'),
    };

    private static Parsed Error(string field, string problem) => new([], new() { [field] = [problem] });
}
