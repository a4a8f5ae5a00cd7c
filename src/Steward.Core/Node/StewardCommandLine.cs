namespace Steward.Core.Node;

/// <summary>The short switches both hosts take; each is a key of the <c>Steward</c> configuration section.</summary>
public static class StewardCommandLine
{
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--node"] = "Steward:NodeName",
        ["--broker"] = "Steward:Broker",
        ["--data"] = "Steward:DataFolder",
        ["--central"] = "Steward:CentralNodeName",
        ["--durability"] = "Steward:Durability",
    };

    private static readonly string[] HostSwitches = ["--urls", "--environment", "--contentRoot", "--applicationName", PrintPublicKey];

    /// <summary>Prints the node's public key (making its key on first use) and exits: what an operator enrols.</summary>
    public const string PrintPublicKey = "--print-public-key";

    /// <summary>Configuration keys that hold a secret: never taken from the command line, which every user of the machine can read.</summary>
    private static readonly string[] SecretKeys = ["Steward:ApiToken", "Steward:BrokerPassword"];

    /// <summary>
    /// The first switch that would put a secret on the command line (<c>--token</c>, which is gone, or
    /// <c>--Steward:ApiToken=</c>), so the host can refuse to start instead of leaving the secret in <c>ps</c>.
    /// </summary>
    public static string? SecretSwitch(IEnumerable<string> args) => args
        .Select(a => a.Split('=')[0])
        .FirstOrDefault(a => a == "--token" || SecretKeys.Any(key => a.TrimStart('-', '/').Equals(key, StringComparison.OrdinalIgnoreCase)));

    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    public static bool WantsPublicKey(IEnumerable<string> args) => args.Contains(PrintPublicKey);

    /// <summary>The one line a host prints when <see cref="SecretSwitch"/> found a secret on its command line.</summary>
    public static string SecretRefused(string host, string secret) =>
        $"{host}: {secret} is refused: a secret on the command line is readable by every user of the machine; set it in the " +
        "environment or in a file (Steward__ApiToken or Steward__ApiTokenFile=<path>, Steward__BrokerPassword or Steward__BrokerPasswordFile=<path>)";

    /// <summary>The first switch neither host knows, so a typo fails loudly instead of being ignored.</summary>
    public static string? UnknownSwitch(IEnumerable<string> args) => args
        .Where(a => a.StartsWith("--", StringComparison.Ordinal))
        .Where(a => !a.Contains(':', StringComparison.Ordinal) && !a.EndsWith('='))   // --Section:Key=value, and --Section= from test hosts
        .Select(a => a.Split('=')[0])
        .FirstOrDefault(a => !Switches.ContainsKey(a) && !HostSwitches.Contains(a));

    public static string Help(string host, string defaultNode, string extra) => $"""
        Usage: {host} [switches]

          --node <name>        this node's name, [A-Za-z0-9_-]{"{1,64}"} (default: {defaultNode})
          --broker <urls>      NATS broker URL(s), comma-separated (default: nats://127.0.0.1:4222)
          --data <folder>      data folder: steward.db, audit.log, data/ (default: ./var/<node>)
          --central <name>     the central node's name (default: central)
          --durability <level> SQLite synchronous level: OFF, NORMAL, FULL, EXTRA (default: FULL)
        {extra}  --print-public-key   print this node's public key (made on first use) and exit
          --help               print this text

        Every key of the Steward configuration section also works as a switch (--Steward:DefaultRetries=5),
        as an environment variable (Steward__NodeName=ship1) or in appsettings.json.
        """;
}
