using System.Text;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>{{STEWARD_DATA}}</c> in a command's arguments: the reply's data is handed to the command in the environment
/// variable <c>STEWARD_DATA</c> and the placeholder becomes <c>$STEWARD_DATA</c>, so the data is never pasted into a
/// command line and output such as <c>$(rm -rf /)</c> is never run. The rest of the environment is kept.
/// </summary>
internal static class StewardData
{
    public const string Placeholder = "{{STEWARD_DATA}}";
    public const string Variable = "STEWARD_DATA";

    public static string[] Arguments(Message message) =>
        message.MethodArgs!.Select(a => a.Replace(Placeholder, "$" + Variable, StringComparison.Ordinal)).ToArray();

    public static Dictionary<string, string>? Environment(Message message) =>
        message.MethodArgs!.Any(a => a.Contains(Placeholder, StringComparison.Ordinal))
            ? new() { [Variable] = Encoding.UTF8.GetString(message.Data ?? []) }
            : null;
}
