using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>Per-sender method rules on the default settings: central may call everything, the others only what a rule allows.</summary>
[Collection(BrokerCollection.Name)]
public sealed class MethodRulesTests(NatsServerFixture broker) : IAsyncLifetime
{
    private readonly RunCounter _runs = new();
    private NodeRuntime _central = null!;
    private NodeRuntime _ship1 = null!;
    private NodeRuntime _ship2 = null!;

    public async Task InitializeAsync()
    {
        var central = Names.Next("central");
        var ship1 = Names.Next("ship");
        _central = await TestNode.StartAsync(broker.Url, central, o => { o.CentralNodeName = central; o.Allow = []; });
        _ship1 = await TestNode.StartAsync(broker.Url, ship1, o => { o.CentralNodeName = central; o.Allow = []; });
        _ship2 = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o =>
        {
            o.CentralNodeName = central;
            o.Allow = [];
            if (ConfiguredRule) o.Allow[ship1] = [Methods.Ping];
        });
    }

    /// <summary>Whether ship2 starts with <c>Steward:Allow:ship1 = [REQPing]</c>; tests of pushed rules start without it.</summary>
    private bool ConfiguredRule { get; set; } = true;

    public async Task DisposeAsync()
    {
        await _ship2.DisposeAsync();
        await _ship1.DisposeAsync();
        await _central.DisposeAsync();
    }

    private static async Task<string?> SendAsync(NodeRuntime from, NodeRuntime to, Message message, string state)
    {
        var id = (await from.Outbox.AcceptAsync(message with { ToNode = to.NodeName }))[0];
        return (await Wait.ForStateAsync(from, id, state)).LastError;
    }

    [Fact]
    public async Task A_ping_from_ship1_to_ship2_allowed_by_a_rule_is_answered()
    {
        await SendAsync(_ship1, _ship2, new Message { Method = Methods.Ping }, "done");
    }

    [Fact]
    public async Task A_command_from_ship1_to_ship2_is_rejected_and_runs_nothing()
    {
        var error = await SendAsync(_ship1, _ship2, new Message { Method = Methods.CliCommand, MethodArgs = _runs.Command("ship1") }, "rejected");

        Assert.Equal($"node {_ship1.NodeName} may not call REQCliCommand on node {_ship2.NodeName} (rules: Steward:Allow)", error);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task Central_runs_no_command_for_another_node()
    {
        var error = await SendAsync(_ship1, _central, new Message { Method = Methods.CliCommand, MethodArgs = _runs.Command("on-central") }, "rejected");

        Assert.StartsWith($"node {_ship1.NodeName} may not call REQCliCommand on node {_central.NodeName}", error, StringComparison.Ordinal);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task A_rules_update_pushed_by_central_takes_effect_at_once_and_is_kept()
    {
        await _ship2.DisposeAsync();
        ConfiguredRule = false;
        _ship2 = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => { o.CentralNodeName = _central.NodeName; o.Allow = []; });
        await SendAsync(_ship1, _ship2, new Message { Method = Methods.Ping }, "rejected");

        await SendAsync(_central, _ship2, RulesUpdate($$"""{"{{_ship1.NodeName}}":["REQPing"]}"""), "done");

        await SendAsync(_ship1, _ship2, new Message { Method = Methods.Ping }, "done");
        Assert.Contains(_ship1.NodeName, await File.ReadAllTextAsync(Path.Combine(_ship2.Context.DataFolder, "rules.json")));
    }

    [Fact]
    public async Task A_rules_update_not_sent_by_central_is_refused()
    {
        var error = await SendAsync(_ship1, _ship2, RulesUpdate($$"""{"{{_ship1.NodeName}}":["*"]}"""), "rejected");

        Assert.Equal($"only central ({_central.NodeName}) may send REQAclUpdate", error);
        await SendAsync(_ship1, _ship2, new Message { Method = Methods.CliCommand, MethodArgs = _runs.Command("after") }, "rejected");
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task A_cancel_for_a_message_its_sender_has_not_sent_yet_is_refused_so_it_cannot_suppress_future_commands()
    {
        var future = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var error = await SendAsync(_central, _ship1, new Message { Method = Methods.OpCancel, MethodArgs = [future], ReplyMethod = Methods.None }, "rejected");

        Assert.Contains($"names message {future}, which its sender has not sent before it", error, StringComparison.Ordinal);
        await SendAsync(_central, _ship1, new Message { Method = Methods.CliCommand, MethodArgs = _runs.Command("next") }, "done");
        Assert.Equal(["next"], _runs.Lines);
    }

    private static Message RulesUpdate(string rules) => new() { Method = Methods.AclUpdate, Data = Encoding.UTF8.GetBytes(rules), ReplyMethod = Methods.None };
}
