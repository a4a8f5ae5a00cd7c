using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Steward.Core.State;

namespace Steward.Core.Trust;

/// <summary>A small JSON file in the data folder (keys, rules), replaced whole on every write and readable by its owner only.</summary>
internal static class TrustFile
{
    public static T? Read<T>(string path, JsonTypeInfo<T> type) where T : class =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), type) : null;

    public static void Write<T>(string path, T value, JsonTypeInfo<T> type) =>
        OwnerOnly.WriteWhole(path, file => JsonSerializer.Serialize(file, value, type));

    public static void Delete(string path) => File.Delete(path);
}
