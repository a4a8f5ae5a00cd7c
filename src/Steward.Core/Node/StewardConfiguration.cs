using Microsoft.Extensions.Configuration;

namespace Steward.Core.Node;

/// <summary>Reads and checks the <c>Steward</c> section, so a host can refuse to start with one clear line.</summary>
public static class StewardConfiguration
{
    public static StewardOptions Read(IConfiguration configuration, string defaultNodeName)
    {
        var options = configuration.GetSection(StewardOptions.Section).Get<StewardOptions>() ?? new StewardOptions();
        if (string.IsNullOrEmpty(options.NodeName)) options.NodeName = defaultNodeName;
        return options;
    }

    /// <summary>
    /// The configuration sources of a host, for commands that run without starting it (<c>operators</c>,
    /// <c>broker-config</c>): appsettings.json, the environment, the switches.
    /// </summary>
    public static IConfiguration FromSources(string[] args) => new ConfigurationBuilder()
        .SetBasePath(Directory.GetCurrentDirectory())
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args, StewardCommandLine.Switches.ToDictionary())
        .Build();
}
