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
}
