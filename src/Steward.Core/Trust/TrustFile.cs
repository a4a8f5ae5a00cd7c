using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Steward.Core.Trust;

/// <summary>A small JSON file in the data folder (keys, rules), replaced whole on every write and readable by its owner only.</summary>
internal static class TrustFile
{
    public static T? Read<T>(string path, JsonTypeInfo<T> type) where T : class =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), type) : null;

    public static void Write<T>(string path, T value, JsonTypeInfo<T> type)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";   // two writers never share a temporary file
        using (var file = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            JsonSerializer.Serialize(file, value, type);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static void Delete(string path) => File.Delete(path);
}
