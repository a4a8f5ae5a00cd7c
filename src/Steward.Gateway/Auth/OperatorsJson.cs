using System.Text.Json.Serialization;

namespace Steward.Gateway.Auth;

/// <summary><c>operators.json</c>: indented, so a person can read who has which role.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(List<OperatorEntry>))]
internal sealed partial class OperatorsJson : JsonSerializerContext;
