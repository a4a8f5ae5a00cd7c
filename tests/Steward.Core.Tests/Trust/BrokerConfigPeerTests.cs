using Steward.Core.Trust;

namespace Steward.Core.Tests.Trust;

/// <summary>
/// Finding (review 2): `broker-config --peer` checks the node before '=' but not the target after it. A bare target is
/// written as "&lt;target&gt;.&gt;" unchecked, so "ship1=*" lets ship1 publish to every subject of every node, and a
/// quote in the target writes arbitrary text into the generated nats-server configuration.
/// </summary>
public sealed class BrokerConfigPeerTests
{
    private static string Write(string peer)
    {
        using var central = NodeKey.LoadOrCreate(Directory.CreateTempSubdirectory("steward-bc-").FullName);
        using var ship1 = NodeKey.LoadOrCreate(Directory.CreateTempSubdirectory("steward-bc-").FullName);
        var rules = new MethodRules(Directory.CreateTempSubdirectory("steward-bc-").FullName, "central", new Dictionary<string, string[]>());
        return BrokerConfig.Write("central", new Dictionary<string, string> { ["central"] = central.PublicKey, ["ship1"] = ship1.PublicKey }, rules, [peer]);
    }

    [Theory]
    [InlineData("ship1=*")]                                          // "*.>": every node's subjects
    [InlineData("ship1=x\" ] }, subscribe: { allow: [ \">")]         // text injected into the config
    public void A_peer_target_that_is_not_a_node_name_is_refused(string peer)
    {
        string? text = null;
        var refused = Record.Exception(() => text = Write(peer));
        // fails: the text is written with the wildcard or the injected permissions
        Assert.True(refused is ArgumentException, $"--peer '{peer}' was accepted:\n{text}");
    }
}

/// <summary>
/// Finding (review 2): a node may be named "_INBOX" (NodeName allows it). Enrolled under that name, the generated
/// config lets it subscribe to "_INBOX.>", the inbox of every node (every ACK answer), and central publish to it.
/// </summary>
public sealed class BrokerConfigInboxNameTests
{
    [Fact]
    public void No_node_name_gives_a_subscription_to_other_nodes_inboxes()
    {
        using var central = NodeKey.LoadOrCreate(Directory.CreateTempSubdirectory("steward-bc-").FullName);
        using var squatter = NodeKey.LoadOrCreate(Directory.CreateTempSubdirectory("steward-bc-").FullName);
        var rules = new MethodRules(Directory.CreateTempSubdirectory("steward-bc-").FullName, "central", new Dictionary<string, string[]>());

        string? text = null;
        var refused = Record.Exception(() => text = BrokerConfig.Write("central",
            new Dictionary<string, string> { ["central"] = central.PublicKey, ["_INBOX"] = squatter.PublicKey }, rules, []));

        // fails: "_INBOX" is a valid node name and the config grants it subscribe "_INBOX.>"
        Assert.True(refused is not null || !text!.Contains("\"_INBOX.>\"", StringComparison.Ordinal), text);
    }
}
