using System.Collections.Concurrent;
using Steward.Core.Node;
using Steward.Core.Trust;

namespace Steward.TestSupport;

/// <summary>
/// The nodes this test process started, enrolled with one another as an operator would enrol a fleet: each knows the
/// others' public keys, so signed messages between them verify. In-process nodes learn keys as they join; a host
/// process is given every key known when it starts. Trust tests that need a stranger start a node outside it.
/// </summary>
public static class TestFleet
{
    private static readonly ConcurrentDictionary<string, NodeRuntime> Members = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> KeysByNode = new(StringComparer.Ordinal);

    /// <summary>Every node name with its public key.</summary>
    public static IReadOnlyDictionary<string, string> Keys => KeysByNode;

    /// <summary>Enrols <paramref name="node"/> with every member and every known key with it.</summary>
    public static void Join(NodeRuntime node)
    {
        Enroll(node.NodeName, node.PublicKey);
        EnrollAll(node);
        // Central's key set, made when a hello came, may arrive after a node joined here and lack that node's key: the
        // fleet's enrolment is this class's, so it goes into every set central distributes.
        node.Keys.AlsoEnrolled = () => KeysByNode.Where(k => k.Key != node.NodeName);
        Members[node.NodeName] = node;
    }

    private static void EnrollAll(NodeRuntime node)
    {
        foreach (var (name, key) in KeysByNode)
            if (name != node.NodeName) node.Keys.Enroll(name, key);
    }

    /// <summary>Enrols <paramref name="name"/> with <paramref name="publicKey"/> with every in-process member.</summary>
    public static void Enroll(string name, string publicKey)
    {
        KeysByNode[name] = publicKey;
        foreach (var member in Members.Values)
            if (member.NodeName != name) member.Keys.Enroll(name, publicKey);
    }

    /// <summary>
    /// Makes sure <paramref name="name"/> has a key in the fleet; a node that is not running (say, the central of an
    /// agent whose test never talks to central) gets a key of its own that no one uses.
    /// </summary>
    public static void EnsureKnown(string name)
    {
        if (KeysByNode.ContainsKey(name)) return;
        EnrollFolder(name, Directory.CreateTempSubdirectory($"steward-absent-{name}-").FullName);
    }

    /// <summary>The key of the node whose data folder is <paramref name="dataFolder"/>, made there when it has none, enrolled.</summary>
    public static string EnrollFolder(string name, string dataFolder)
    {
        using var key = NodeKey.LoadOrCreate(dataFolder);
        Enroll(name, key.PublicKey);
        return key.PublicKey;
    }
}
