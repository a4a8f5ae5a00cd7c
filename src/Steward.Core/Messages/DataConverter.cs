using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Steward.Core.Messages;

/// <summary>
/// <c>data</c> on the wire is base64 (what every node writes); in input it may also be given the original Steward's
/// way, an array of strings, which is joined into one UTF-8 text, one string per line.
/// </summary>
public sealed class DataConverter : JsonConverter<byte[]>
{
    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.TryGetBytesFromBase64(out var bytes)
                    ? bytes
                    : throw new JsonException("data must be base64, or an array of strings (joined one per line)");
            case JsonTokenType.StartArray:
                var lines = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    lines.Add(reader.TokenType == JsonTokenType.String
                        ? reader.GetString()!
                        : throw new JsonException("data as an array takes strings only"));
                return Encoding.UTF8.GetBytes(string.Join('\n', lines));
            default:
                throw new JsonException("data must be base64, or an array of strings (joined one per line)");
        }
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => writer.WriteBase64StringValue(value);
}
