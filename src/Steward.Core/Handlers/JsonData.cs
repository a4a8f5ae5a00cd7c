using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>A message's <c>data</c> read as JSON of one type; null when it is missing or not that JSON.</summary>
internal static class JsonData
{
    public static T? Read<T>(Message message, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return message.Data is { Length: > 0 } data ? JsonSerializer.Deserialize(data, type) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
