using System.Text;
using Steward.Core.Fleet;
using Steward.Core.Messages;

namespace Steward.Core.Tests.Fleet;

public sealed class TargetingTests
{
    private static readonly FleetNode[] Registry =
    [
        new("db1", new Dictionary<string, string> { ["role"] = "db", ["site"] = "north" }, Online: true),
        new("ship1", new Dictionary<string, string> { ["role"] = "web", ["site"] = "north" }, Online: true),
        new("ship2", new Dictionary<string, string> { ["role"] = "web", ["site"] = "south" }, Online: false),
        new("ship10", new Dictionary<string, string> { ["role"] = "web", ["site"] = "north" }, Online: true),
        new("shipyard", new Dictionary<string, string> { ["role"] = "web", ["site"] = "north" }, Online: true, Enrolled: false),
    ];

    private static Targets.Resolved Resolve(Message message) =>
        Targets.Resolve(message with { Method = Methods.None }, Registry, "central", 5000, TimeSpan.FromSeconds(60));

    [Fact]
    public void Exact_names_come_first_as_given_then_pattern_matches_then_selector_matches_each_node_once()
    {
        var resolved = Resolve(new Message { ToNodes = ["ghost", "ship1", "local"], ToHosts = ["ship?"], Selector = "role=db" });

        Assert.Empty(resolved.Errors);
        Assert.Equal(["ghost", "ship1", "central", "ship2", "db1"], resolved.Nodes);
    }

    [Fact]
    public void A_selector_matches_effective_labels_and_never_a_node_without_an_enrolled_key()
    {
        Assert.Equal(["ship1", "ship10"], Resolve(new Message { Selector = "role=web,site!=south" }).Nodes);
        Assert.Equal(["db1", "ship1", "ship10", "ship2"], Resolve(new Message { ToNodes = ["*"] }).Nodes);
    }

    [Fact]
    public void Only_online_drops_the_nodes_not_seen_lately_exact_names_too()
    {
        Assert.Equal(["ship1", "ship10"], Resolve(new Message { ToNodes = ["ship*", "ghost"], OnlyOnline = true }).Nodes);
        var none = Resolve(new Message { ToNode = "ship2", OnlyOnline = true });
        Assert.Contains("none of the 1 node(s) targeted is online", Assert.Single(none.Errors["onlyOnline"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_selector_or_a_pattern_that_matches_nothing_is_an_error_naming_its_field()
    {
        var resolved = Resolve(new Message { Selector = "role=cache", ToHosts = ["dock*"], ToNodes = ["ship1"] });

        Assert.Empty(resolved.Nodes);
        Assert.Equal(["selector", "toHosts"], resolved.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'role=cache' matches none of the 4 nodes central knows", resolved.Errors["selector"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void More_nodes_than_a_fan_out_may_have_is_an_error()
    {
        var resolved = Targets.Resolve(new Message { Selector = "role", Method = Methods.None }, Registry, "central", maxNodes: 2, TimeSpan.FromSeconds(60));

        Assert.Contains("at most 2", Assert.Single(resolved.Errors["selector"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ship*", "ship1", true)]
    [InlineData("ship*", "ship", true)]
    [InlineData("ship?", "ship10", false)]
    [InlineData("*-db", "north-db", true)]
    [InlineData("*-db", "north-dbx", false)]
    public void Name_patterns_match_as_a_shell_glob(string pattern, string name, bool matches) =>
        Assert.Equal(matches, NamePattern.Matcher(pattern)(name));

    [Theory]
    [InlineData("3", 12, 3)]
    [InlineData("25%", 12, 3)]
    [InlineData("10%", 12, 2)]
    [InlineData("1%", 12, 1)]
    [InlineData("100%", 12, 12)]
    [InlineData("50", 12, 50)]
    public void A_limit_is_a_count_or_a_percentage_rounded_up_and_at_least_one(string limit, int nodes, int count) =>
        Assert.Equal(count, CountOrPercent.Of(limit, nodes));

    [Theory]
    [InlineData("""{"toNodes":["ship*"],"method":"REQNone"}""", EntryPoint.CentralMessages, null)]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxConcurrency":"25%","maxErrors":2,"batchSleepSeconds":5}""", EntryPoint.CentralBatch, null)]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxConcurrency":0}""", EntryPoint.CentralBatch, "maxConcurrency")]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxConcurrency":-1}""", EntryPoint.CentralBatch, "maxConcurrency")]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxConcurrency":"101%"}""", EntryPoint.CentralBatch, "maxConcurrency")]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxConcurrency":"half"}""", EntryPoint.CentralBatch, "maxConcurrency")]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxConcurrency":2.5}""", EntryPoint.CentralBatch, "maxConcurrency")]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxConcurrency":2,"maxErrors":"0%"}""", EntryPoint.CentralBatch, "maxErrors")]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxConcurrency":2,"batchSleepSeconds":-1}""", EntryPoint.CentralBatch, "batchSleepSeconds")]
    [InlineData("""{"selector":"role=web","method":"REQNone","maxErrors":2}""", EntryPoint.CentralBatch, "maxErrors")]
    [InlineData("""{"selector":"role in web","method":"REQNone"}""", EntryPoint.CentralBatch, "selector")]
    [InlineData("""{"toNodes":["ship.*"],"method":"REQNone"}""", EntryPoint.CentralBatch, "toNodes")]
    [InlineData("""{"toNode":"ship1","method":"REQNone","maxConcurrency":2}""", EntryPoint.CentralMessages, "maxConcurrency")]
    [InlineData("""{"selector":"role=web","method":"REQNone"}""", EntryPoint.NodeInput, "selector")]
    [InlineData("""{"toHosts":["ship*"],"method":"REQNone"}""", EntryPoint.NodeInput, "toHosts")]
    [InlineData("""{"toNode":"ship1","method":"REQNone","onlyOnline":true}""", EntryPoint.NodeInput, "onlyOnline")]
    public void Targeting_and_rollout_fields_are_checked_where_the_message_enters(string json, EntryPoint entry, string? field)
    {
        var parsed = MessageInput.Parse(Encoding.UTF8.GetBytes(json), entry);

        if (field is null) Assert.Empty(parsed.Errors);
        else Assert.Equal([field], parsed.Errors.Keys);
    }

    [Fact]
    public void A_node_without_the_registry_says_why_it_refuses_a_selector_and_the_wire_never_carries_one()
    {
        var parsed = MessageInput.Parse("""{"selector":"role=web","method":"REQNone"}"""u8, EntryPoint.NodeInput);
        var received = MessageValidator.ValidateReceived(new Message { Id = 1, FromNode = "ship1", ToNode = "ship2", Method = Methods.None, Selector = "role=web" });

        Assert.Contains("needs central's node registry, which this node does not have", parsed.Errors["selector"][0], StringComparison.Ordinal);
        Assert.Contains("never travels between nodes", received["selector"][0], StringComparison.Ordinal);
    }
}
