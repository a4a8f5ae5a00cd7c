using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Steward.Core.State;

namespace Steward.Core.Messages;

/// <summary>The one source-generated JSON context, used by HTTP and NATS alike.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(Message[]))]
[JsonSerializable(typeof(AckReply))]
[JsonSerializable(typeof(MessageEvent))]
[JsonSerializable(typeof(MessageView))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(ErrorEntry))]
[JsonSerializable(typeof(Node.ProcessList))]
[JsonSerializable(typeof(HelloInfo))]
[JsonSerializable(typeof(HelloMetrics))]
[JsonSerializable(typeof(CopyAnswer))]
[JsonSerializable(typeof(NodeEntry))]
[JsonSerializable(typeof(Trust.KeySet))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class StewardJson : JsonSerializerContext
{
    /// <summary>
    /// Operator input is strict: a field this version does not know, or one given twice, is an error, not silently
    /// dropped or overwritten. It is read the way the original Steward's users write it: trailing commas and
    /// <c>//</c> or <c>/* */</c> comments are allowed, field names are case-insensitive.
    /// </summary>
    public static JsonSerializerOptions Strict => StrictOptions.Value;

    /// <summary>One message read with <see cref="Strict"/>: the generated code, so no reflection fallback (Native AOT has none).</summary>
    public static JsonTypeInfo<Message> StrictMessage => (JsonTypeInfo<Message>)Strict.GetTypeInfo(typeof(Message));

    /// <summary>An array of messages read with <see cref="Strict"/>.</summary>
    public static JsonTypeInfo<Message[]> StrictMessages => (JsonTypeInfo<Message[]>)Strict.GetTypeInfo(typeof(Message[]));

    // In a class of its own, so it is made after Default: as a static property beside the generated one, it could be
    // made first, with a null resolver, and parse by reflection.
    private static class StrictOptions
    {
        public static readonly JsonSerializerOptions Value = new(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = Default, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, NumberHandling = JsonNumberHandling.Strict,
            AllowDuplicateProperties = false, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip,
        };
    }
}
