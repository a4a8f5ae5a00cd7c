using Steward.Core.Trust;

namespace Steward.Core.Node;

/// <summary><c>--print-public-key</c>: the node's public key on stdout (its key is made on first use), for enrolment.</summary>
public static class NodeKeyCommand
{
    public static int Print(StewardOptions options)
    {
        if (!Messages.NodeName.IsValid(options.NodeName))
        {
            Console.Error.WriteLine("--print-public-key needs the node's name (--node) and data folder (--data)");
            return 2;
        }
        using var key = NodeKey.LoadOrCreate(options.ResolvedDataFolder);
        Console.Out.WriteLine(key.PublicKey);
        return 0;
    }
}
