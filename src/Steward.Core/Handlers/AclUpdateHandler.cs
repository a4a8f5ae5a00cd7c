using System.Text;
using System.Text.Json;
using Steward.Core.Messages;
using Steward.Core.Trust;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQAclUpdate</c>, from central only: new method rules for this node (JSON object sender → method patterns in
/// <c>data</c>, as <c>Steward:Allow</c>), applied at once and kept across restarts; <c>{}</c> goes back to the configured rules.
/// </summary>
internal sealed class AclUpdateHandler(MethodRules rules) : IMethodHandler
{
    public string Method => Methods.AclUpdate;

    public string? Refusal(Message message) => Parse(message) switch
    {
        null => "REQAclUpdate needs a JSON object of sender → method patterns in data, e.g. {\"ship1\":[\"REQPing\"]}",
        var parsed => MethodRules.Problem(parsed),
    };

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var parsed = Parse(message)!;
        rules.Replace(parsed);
        return Task.FromResult(new HandlerResult(Encoding.UTF8.GetBytes(parsed.Count == 0
            ? "rules reset to the configured ones"
            : $"rules updated: {string.Join("; ", parsed.Select(r => $"{r.Key}: {string.Join(",", r.Value)}"))}")));
    }

    private static Dictionary<string, string[]>? Parse(Message message) => JsonData.Read(message, StewardJson.Default.DictionaryStringStringArray);
}
