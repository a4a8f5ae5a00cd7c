using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Steward.Core.Fleet;

/// <summary>
/// A rollout limit (<c>maxConcurrency</c>, <c>maxErrors</c>): a count of nodes (<c>3</c>) or a percentage of the nodes
/// the fan-out resolved to (<c>"25%"</c>), which rounds up and is at least one node.
/// </summary>
public static class CountOrPercent
{
    public const string Rule = "a count of nodes from 1 (3) or a percentage from 1% to 100% (\"25%\")";

    /// <summary>Whether <paramref name="text"/> is a count from 1 or a whole percentage from 1 to 100.</summary>
    public static bool IsValid(string text) => Parse(text) is not null;

    /// <summary>The number of nodes <paramref name="text"/> means out of <paramref name="total"/> (for a valid text).</summary>
    public static int Of(string text, int total) => Parse(text) switch
    {
        (var count, false) => count,
        (var percent, true) => Math.Max(1, (int)Math.Ceiling(total * percent / 100.0)),
        null => throw new ArgumentException($"'{text}' is not {Rule}", nameof(text)),
    };

    private static (int Value, bool Percent)? Parse(string text)
    {
        var percent = text.EndsWith('%');
        var digits = percent ? text[..^1] : text;
        if (digits.Length is 0 or > 9 || !digits.All(char.IsAsciiDigit)) return null;
        var value = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return value >= 1 && (!percent || value <= 100) ? (value, percent) : null;
    }

    /// <summary>Reads a JSON number (<c>3</c>) or string (<c>"25%"</c>) as its text; writes a count as a number.</summary>
    public sealed class JsonConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => reader.TryGetInt64(out var whole)
                ? whole.ToString(CultureInfo.InvariantCulture)
                : throw new JsonException($"expected {Rule}"),
            _ => throw new JsonException($"expected {Rule}"),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)) writer.WriteNumberValue(count);
            else writer.WriteStringValue(value);
        }
    }
}
