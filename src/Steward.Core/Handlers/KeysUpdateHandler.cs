using System.Text;
using System.Text.Json;
using Steward.Core.Messages;
using Steward.Core.Trust;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQKeysUpdate</c>, from central only: the enrolled nodes and their public keys (JSON object in <c>data</c>), which
/// replace the set this node knows; keys pinned in its configuration stay.
/// </summary>
internal sealed class KeysUpdateHandler(KeyRing keys) : IMethodHandler
{
    public string Method => Methods.KeysUpdate;

    public string? Refusal(Message message) => Parse(message) is null ? "REQKeysUpdate needs a JSON object of node → public key in data" : null;

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var set = Parse(message)!;
        keys.ReplaceEnrolled(set);
        return Task.FromResult(new HandlerResult(Encoding.UTF8.GetBytes($"{set.Count} key(s), set {keys.Version}")));
    }

    private static Dictionary<string, string>? Parse(Message message) => JsonData.Read(message, StewardJson.Default.DictionaryStringString);

    /// <summary>The message central sends a node so it knows every enrolled key.</summary>
    public static Message For(string node, KeyRing keys) => new()
    {
        ToNode = node, Method = Methods.KeysUpdate, ReplyMethod = Methods.None,
        Data = JsonSerializer.SerializeToUtf8Bytes(keys.Known.ToDictionary(StringComparer.Ordinal), StewardJson.Default.DictionaryStringString),
    };
}
