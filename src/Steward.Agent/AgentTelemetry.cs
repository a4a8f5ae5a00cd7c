using System.Diagnostics.CodeAnalysis;

namespace Steward.Agent;

/// <summary>
/// Whether this agent was built with the exporters of its metrics and traces (<c>Steward:MetricsPort</c>,
/// <c>Steward:OtlpEndpoint</c>). The Native AOT agent is built without them unless asked
/// (<c>-p:StewardTelemetry=true</c>): OpenTelemetry's SDK and exporters add 2 MB of code, and on a machine where an
/// idle agent's code is almost all resident they cost as much memory, which an edge agent must not pay for a port it
/// does not open. The instruments themselves (.NET's own) are always there: the hello carries their summary to central.
/// </summary>
internal static class AgentTelemetry
{
    private const string Switch = "Steward.Agent.Telemetry.IsSupported";

    /// <summary>False only in a build made with the switch off, which the trimmer then removes every exporter from.</summary>
    [FeatureSwitchDefinition(Switch)]
    public static bool IsBuiltIn => !AppContext.TryGetSwitch(Switch, out var on) || on;

    /// <summary>Why the agent cannot start with <paramref name="options"/>: telemetry asked of a build without it.</summary>
    public static string? Problem(Core.Node.StewardOptions options) =>
        IsBuiltIn || (options.MetricsPort == 0 && string.IsNullOrWhiteSpace(options.OtlpEndpoint)) ? null
            : "MetricsPort and OtlpEndpoint need an agent built with telemetry: dotnet publish src/Steward.Agent -c Release -r <rid> -p:StewardTelemetry=true (or ./scripts/publish-agents.sh --telemetry)";
}
