using System.Text;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Trust;
using Steward.TestSupport;

namespace Steward.Agent.Tests.Trust;

/// <summary>
/// The fleet as the README runs it: a nats-server with the configuration broker-config generates from central's
/// enrolled nodes, central, and ship1 and ship2 as real agent processes on the default rules. The attacker holds
/// ship1's real credential (its nkey, stolen from ship1's data folder) and tries each known attack.
/// </summary>
public sealed class LeastPrivilegeBrokerTests : IAsyncLifetime
{
    private readonly RunCounter _runs = new();
    private readonly string _centralName = Names.Next("central");
    private readonly string _ship1Name = Names.Next("ship");
    private readonly string _ship2Name = Names.Next("ship");
    private readonly string _ship1Data = Directory.CreateTempSubdirectory("steward-ship1-").FullName;
    private readonly string _ship2Data = Directory.CreateTempSubdirectory("steward-ship2-").FullName;
    private NatsServerFixture _broker = null!;
    private NodeRuntime _central = null!;
    private HostProcess _ship1 = null!;
    private HostProcess _ship2 = null!;
    private Forger _attacker = null!;

    public async Task InitializeAsync()
    {
        var centralData = Directory.CreateTempSubdirectory("steward-central-").FullName;
        using var centralKey = NodeKey.LoadOrCreate(centralData);
        using var ship1Key = NodeKey.LoadOrCreate(_ship1Data);
        using var ship2Key = NodeKey.LoadOrCreate(_ship2Data);
        var enrolled = new Dictionary<string, string> { [_ship1Name] = ship1Key.PublicKey, [_ship2Name] = ship2Key.PublicKey };
        var config = Path.Combine(centralData, "broker.conf");
        await File.WriteAllTextAsync(config, BrokerConfig.Write(_centralName,
            new Dictionary<string, string>(enrolled) { [_centralName] = centralKey.PublicKey }, new MethodRules(centralData, _centralName, new Dictionary<string, string[]>()), []));
        _broker = NatsServerFixture.WithConfig(config);
        await _broker.InitializeAsync();

        _central = await TestNode.StartAsync(_broker.Url, _centralName, o =>
        {
            (o.DataFolder, o.CentralNodeName, o.Allow, o.TrustedKeys) = (centralData, _centralName, [], enrolled);
        }, joinFleet: false);
        var pinned = new Dictionary<string, string> { [$"Steward__TrustedKeys__{_centralName}"] = centralKey.PublicKey };
        _ship1 = await HostProcess.StartAsync(HostProcess.Agent, pinned, "--node", _ship1Name, "--broker", _broker.Url, "--data", _ship1Data, "--central", _centralName);
        _ship2 = await HostProcess.StartAsync(HostProcess.Agent, pinned, "--node", _ship2Name, "--broker", _broker.Url, "--data", _ship2Data, "--central", _centralName);
        _attacker = await Forger.ConnectAsync(_broker.Url, _ship1Data, LoggedInAs(ship1Key));
    }

    /// <summary>ship1's broker login, as the attacker uses it: its nkey, and its own inbox prefix (the only one it may hear).</summary>
    private NatsOpts LoggedInAs(NodeKey key) => NatsOpts.Default with
    {
        AuthOpts = NatsAuthOpts.Default with { NKey = key.PublicKey, Seed = File.ReadAllText(Path.Combine(_ship1Data, NodeKey.FileName)).Trim() },
        InboxPrefix = $"_INBOX.{_ship1Name}",
    };

    public async Task DisposeAsync()
    {
        await _attacker.DisposeAsync();
        await _ship2.DisposeAsync();
        await _ship1.DisposeAsync();
        await _central.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private Message FromShip1(string toNode, string method, string[]? args = null) => new()
    {
        Id = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        FromNode = _ship1Name, ToNode = toNode, Method = method, MethodArgs = args, MethodTimeout = 10, ReplyMethod = Methods.None,
    };

    /// <summary>A publish the broker refuses gets no answer, though the node it was meant for is up and would answer.</summary>
    private async Task AssertRefusedByTheBrokerAsync(string toNode, string method, byte[] payload)
    {
        var sent = _attacker.Connection.RequestAsync<byte[], byte[]>(Subjects.For(toNode, method), payload,
            replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(2) });
        await Assert.ThrowsAnyAsync<NatsException>(async () => await sent);
    }

    /// <summary>central sends ship2 a command and waits until it is done: the legitimate path works meanwhile.</summary>
    private async Task<long> CentralRunsOnShip2Async(string mark)
    {
        var id = (await _central.Outbox.AcceptAsync(new Message { ToNode = _ship2Name, Method = Methods.CliCommand, MethodArgs = _runs.Command(mark) }))[0];
        await Wait.ForStateAsync(_central, id, "done", TimeSpan.FromSeconds(30));
        return id;
    }

    [Fact]
    public async Task A_node_whose_key_is_not_enrolled_says_in_its_log_that_the_broker_refused_it()
    {
        var stranger = Names.Next("ship");
        var pinned = new Dictionary<string, string> { [$"Steward__TrustedKeys__{_centralName}"] = _central.PublicKey };
        await using var agent = HostProcess.Launch(HostProcess.Agent, pinned,
            "--node", stranger, "--broker", _broker.Url, "--data", Directory.CreateTempSubdirectory("steward-stranger-").FullName, "--central", _centralName);

        await Until.TrueAsync("the agent says why it cannot connect", () => agent.Output.Contains("refused the credentials", StringComparison.Ordinal));
        Assert.Contains($"cannot log in: the broker at {_broker.Url} refused the credentials of node {stranger}", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ship_runs_a_message_from_its_own_inbox()
    {
        await File.WriteAllTextAsync(Path.Combine(_ship1Data, "inbox", "local.json"),
            $$"""{"toNode":"local","method":"REQCliCommand","methodArgs":{{System.Text.Json.JsonSerializer.Serialize(_runs.Command("local"))}}}""");

        await Until.TrueAsync("ship1 ran its own message", () => _runs.Lines.Count == 1);
        Assert.Equal(["local"], _runs.Lines);
    }

    [Fact]
    public async Task A_client_without_credentials_cannot_connect()
    {
        await using var anonymous = new NatsConnection(NatsOpts.Default with { Url = _broker.Url, RetryOnInitialConnect = false });

        await Assert.ThrowsAnyAsync<NatsException>(async () => await anonymous.ConnectAsync());
    }

    [Fact]
    public async Task With_ship1s_key_a_command_on_central_is_refused_by_centrals_rules_and_runs_nothing()
    {
        var answer = await _attacker.SendAsync(_centralName, Methods.CliCommand, _attacker.Sign(FromShip1(_centralName, Methods.CliCommand, _runs.Command("central"))));

        Assert.False(answer.Accepted);
        Assert.Equal($"node {_ship1Name} may not call REQCliCommand on node {_centralName} (rules: Steward:Allow)", answer.Reason);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task With_ship1s_key_a_command_on_ship2_directly_or_through_the_relay_never_reaches_it()
    {
        await AssertRefusedByTheBrokerAsync(_ship2Name, Methods.CliCommand,
            _attacker.Sign(FromShip1(_ship2Name, Methods.CliCommand, _runs.Command("direct"))));
        var relayed = FromShip1(_ship2Name, Methods.CliCommand, _runs.Command("relayed")) with { RelayViaNode = _centralName };
        await AssertRefusedByTheBrokerAsync(_centralName, Methods.Relay, _attacker.Sign(Core.Relay.RelayPolicy.Wrap(relayed)));

        await CentralRunsOnShip2Async("legitimate");
        Assert.Equal(["legitimate"], _runs.Lines);
    }

    [Fact]
    public async Task With_ship1s_key_subscribing_to_everything_or_to_other_inboxes_hears_nothing()
    {
        string[] subjects = [">", "_INBOX.>", $"_INBOX.{_ship2Name}.>", $"_INBOX.{_centralName}.>", $"{_ship2Name}.>"];
        var subscriptions = new List<INatsSub<byte[]>>();
        foreach (var subject in subjects) subscriptions.Add(await _attacker.Connection.SubscribeCoreAsync<byte[]>(subject));
        await _attacker.Connection.PingAsync();

        await CentralRunsOnShip2Async("overheard?");
        await _attacker.Connection.PingAsync();   // whatever the broker routed to the attacker has arrived by now

        Assert.All(subscriptions, s => Assert.False(s.Msgs.TryRead(out _), $"heard something on {s.Subject}"));
        foreach (var subscription in subscriptions) await subscription.DisposeAsync();
    }

    [Fact]
    public async Task With_ship1s_key_a_forged_reply_to_centrals_message_to_ship2_is_rejected()
    {
        var id = await CentralRunsOnShip2Async("real");
        var forged = FromShip1(_centralName, Methods.ToFileAppend) with
        {
            IsReply = true, ReplyLast = true, Data = "forged output\n"u8.ToArray(),
            PreviousMessage = new Message { Id = id, FromNode = _centralName, ToNode = _ship2Name, Method = Methods.CliCommand },
        };

        var answer = await _attacker.SendAsync(_centralName, Methods.ToFileAppend, _attacker.Sign(forged));

        Assert.False(answer.Accepted);
        Assert.Equal($"only {_ship2Name} may answer message {id}, not {_ship1Name}", answer.Reason);
        var outputs = (await _central.Store.Queries.EventsAsync(id, 0, CancellationToken.None)).Select(e => e.Output);
        Assert.DoesNotContain("forged output\n", outputs);
    }

    [Fact]
    public async Task With_ship1s_key_a_forged_cancel_is_refused()
    {
        var cancel = FromShip1(_ship2Name, Methods.OpCancel, [(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await AssertRefusedByTheBrokerAsync(_ship2Name, Methods.OpCancel, _attacker.Sign(cancel));
        await AssertRefusedByTheBrokerAsync(_centralName, Methods.OpCancel, _attacker.Sign(cancel with { ToNode = _centralName, FromNode = _centralName }));

        await CentralRunsOnShip2Async("not cancelled");
        Assert.Equal(["not cancelled"], _runs.Lines);
    }

    [Fact]
    public async Task With_ship1s_key_a_hello_or_error_log_in_ship2s_name_is_refused()
    {
        var errorLog = FromShip1(_centralName, Methods.ErrorLog) with { FromNode = _ship2Name, Data = Encoding.UTF8.GetBytes("forged error") };
        var answer = await _attacker.SendAsync(_centralName, Methods.ErrorLog, _attacker.Sign(errorLog));
        Assert.False(answer.Accepted);
        Assert.StartsWith($"bad signature: not signed with the key of {_ship2Name}", answer.Reason, StringComparison.Ordinal);

        var hello = FromShip1(_centralName, Methods.Hello) with
        {
            FromNode = _ship2Name,
            Data = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new HelloInfo("forged", "os", "arch", DateTimeOffset.UtcNow, _attacker.Key.PublicKey),
                StewardJson.Default.HelloInfo),
        };
        await _attacker.Connection.PublishAsync(Subjects.For(_centralName, Methods.Hello), _attacker.Sign(hello));

        // Not taken as ship2's hello: the key it presents waits for an operator, who sees it is ship1's.
        await Until.TrueAsync("central lists the presented key as pending", () => _central.Keys.Pending.GetValueOrDefault(_ship2Name) == _attacker.Key.PublicKey);
        Assert.DoesNotContain(await _central.Store.Queries.NodesAsync(CancellationToken.None), n => n.Version == "forged");
        Assert.DoesNotContain(await _central.Store.Queries.ErrorsAsync(0, CancellationToken.None), e => e.Line.Contains("forged error", StringComparison.Ordinal));
    }
}
