using Steward.Core.Node;
using Steward.Core.State;
using Steward.Core.Trust;

namespace Steward.Gateway.Trust;

/// <summary>
/// <c>Steward.Gateway broker-config</c>: writes nats-server's <c>authorization</c> block from central's enrolled nodes
/// (<see cref="BrokerConfig"/>), to stdout or to <c>--out &lt;file&gt;</c> (mode 0600), for a broker config to include.
/// </summary>
internal static class BrokerConfigCommand
{
    public const string Help = """
        Broker configuration: one nkey user per enrolled node, least privilege, for nats-server to include:
          Steward.Gateway broker-config [--data <folder>] [--out <file>] [--peer <node>=<node>.<method>]...
        --peer ship1=ship2.REQPing lets ship1 publish REQPing to ship2 (with a rule on ship2 that allows it).
        """;

    public static bool IsCommand(string[] args) => args is ["broker-config", ..];

    public static int Run(string[] args)
    {
        var rest = args[1..].ToList();
        var output = Take(rest, "--out").LastOrDefault();
        var peers = Take(rest, "--peer");
        if (StewardCommandLine.UnknownSwitch(rest) is { } unknown) return Fail($"unknown switch {unknown}");
        if (peers.FirstOrDefault(p => p.Split('=') is not [var from, _] || !Core.Messages.NodeName.IsValid(from)) is { } bad)
            return Fail($"--peer '{bad}' is not <node>=<node>.<method>");
        var options = StewardConfiguration.Read(StewardConfiguration.FromSources([.. rest]), defaultNodeName: "central");
        using var key = NodeKey.LoadOrCreate(options.ResolvedDataFolder);
        var keys = new KeyRing(options.ResolvedDataFolder, options.NodeName, key.PublicKey, options.TrustedKeys);
        var rules = new MethodRules(options.ResolvedDataFolder, options.NodeName, options.Allow);
        string text;
        try
        {
            text = BrokerConfig.Write(options.NodeName, keys.Known, rules, peers);
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
        if (output is null) Console.Out.Write(text);
        else OwnerOnly.WriteWhole(output, file => file.Write(System.Text.Encoding.UTF8.GetBytes(text)));   // nats-server may reload it any time
        if (keys.Pending.Count > 0)
            Console.Error.WriteLine($"Steward.Gateway: not in it, waiting for approval: {string.Join(", ", keys.Pending.Keys)}");
        return 0;
    }

    /// <summary>Removes every <c>name value</c> pair from <paramref name="args"/> and gives the values.</summary>
    private static List<string> Take(List<string> args, string name)
    {
        var values = new List<string>();
        for (var at = args.IndexOf(name); at >= 0 && at + 1 < args.Count; at = args.IndexOf(name))
        {
            values.Add(args[at + 1]);
            args.RemoveRange(at, 2);
        }
        return values;
    }

    private static int Fail(string line)
    {
        Console.Error.WriteLine($"Steward.Gateway broker-config: {line}");
        return 2;
    }
}
