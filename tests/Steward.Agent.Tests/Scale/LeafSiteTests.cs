using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;
using Xunit.Abstractions;

namespace Steward.Agent.Tests.Scale;

/// <summary>
/// A site as the README sets one up: the hub runs nats/hub.conf, the site's own server nats/leaf-site.conf (both from
/// the repository, TLS and per-node nkey users, only ports, certificate paths and keys changed), a leaf node of the
/// hub through a <see cref="FaultyLink"/> that stands for the site's uplink. central is on the hub; ship1 and ship2
/// (the example configuration's nodes) on the site. The uplink is slowed, stalled and cut while both central and the
/// site's own nodes send commands. Kills connections of its own servers, so it runs alone.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class LeafSiteTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int BatchSize = 10;
    private readonly RunCounter _runs = new();
    private readonly NatsMonitor _hubMonitor = new(FreePort.Next());
    private readonly NatsMonitor _siteMonitor = new(FreePort.Next());
    private readonly Dictionary<string, long> _central = [];   // mark -> message id on central
    private readonly Dictionary<string, long> _local = [];     // mark -> message id on ship1
    private readonly StringBuilder _timeline = new();
    private readonly int _hubLeafPort = FreePort.Next();
    private NatsServerFixture _hub = null!;
    private NatsServerFixture _site = null!;
    private FaultyLink _uplink = null!;
    private NodeRuntime _centralNode = null!;
    private NodeRuntime _ship1 = null!;
    private NodeRuntime _ship2 = null!;

    public async Task InitializeAsync()
    {
        var certs = TestCertificates.Trusted;
        var folders = new[] { "central", "ship1", "ship2" }.ToDictionary(n => n, n => Directory.CreateTempSubdirectory($"steward-{n}-").FullName);
        var keys = folders.ToDictionary(f => f.Key, f =>
        {
            using var key = Core.Trust.NodeKey.LoadOrCreate(f.Value);
            return key.PublicKey;
        });
        var configs = Directory.CreateTempSubdirectory("steward-site-nats-").FullName;

        _hub = NatsServerFixture.WithConfig(NatsConfigFile.FromRepository("nats/hub.conf")
            .SetVariable("CENTRAL_KEY", keys["central"])
            .Replace("0.0.0.0:7422", $"127.0.0.1:{_hubLeafPort}")
            .Replace("127.0.0.1:8222", $"127.0.0.1:{_hubMonitor.Port}")
            .Replace("var/certs/", certs.Folder + "/")
            .WriteTo(configs));
        await _hub.InitializeAsync();
        _uplink = new FaultyLink(_hubLeafPort);
        _site = NatsServerFixture.WithConfig(NatsConfigFile.FromRepository("nats/leaf-site.conf")
            .SetVariable("SHIP1_KEY", keys["ship1"])
            .SetVariable("SHIP2_KEY", keys["ship2"])
            .Replace("@127.0.0.1:7422", $"@127.0.0.1:{_uplink.Port}")
            .Replace("127.0.0.1:8222", $"127.0.0.1:{_siteMonitor.Port}")
            .Replace("var/certs/", certs.Folder + "/")
            .WriteTo(configs));
        await _site.InitializeAsync();
        await UplinkUpAsync();

        Action<StewardOptions> On(string node) => o => (o.DataFolder, o.BrokerCaFile) = (folders[node], certs.Ca);
        _centralNode = await TestNode.StartAsync(_hub.TlsUrl, "central", On("central"));
        _ship1 = await TestNode.StartAsync(_site.TlsUrl, "ship1", On("ship1"));
        _ship2 = await TestNode.StartAsync(_site.TlsUrl, "ship2", On("ship2"));
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { _ship2, _ship1, _centralNode }) if (node is not null) await node.DisposeAsync();
        if (_site is not null) await _site.DisposeAsync();
        if (_uplink is not null) await _uplink.DisposeAsync();
        if (_hub is not null) await _hub.DisposeAsync();
    }

    [Fact]
    public async Task With_the_uplink_slowed_stalled_and_cut_the_site_keeps_working_and_central_s_commands_run_once_when_it_is_back()
    {
        try
        {
            await CentralPostsAsync(batch: 0);
            await Until.TrueAsync("central's first commands for the site are done", () => AllDoneAsync(_centralNode, _central.Values));

            Step("uplink: 50 ms a chunk");
            _uplink.Delay(TimeSpan.FromMilliseconds(50));
            await CentralPostsAsync(batch: 1);
            await FirstRunAsync(batch: 1);
            _uplink.Delay(TimeSpan.Zero);

            Step("uplink stalled");
            _uplink.Stall();
            await CentralPostsAsync(batch: 2);
            await ResentAsync(batch: 2);
            await SiteWorksAloneAsync(batch: 0);
            Step("uplink resumed");
            _uplink.Resume();

            await CentralPostsAsync(batch: 3);
            await FirstRunAsync(batch: 3);
            Step("uplink cut");
            _uplink.Refuse(true);
            _uplink.Cut();
            await Until.TrueAsync("the hub saw the site go", async () => await _hubMonitor.LeafNodesAsync() == 0);
            await CentralPostsAsync(batch: 4);
            await ResentAsync(batch: 4);
            await SiteWorksAloneAsync(batch: 1);
            Assert.DoesNotContain(_runs.Lines, mark => Batch(mark) == 4);   // central's commands waited for the link

            Step("uplink back");
            var restoredAt = DateTime.UtcNow;
            _uplink.Refuse(false);
            await UplinkUpAsync();
            var linkBackAfter = DateTime.UtcNow - restoredAt;
            Step("site connected to the hub again");

            await Until.TrueAsync("every message is done", async () =>
                await AllDoneAsync(_centralNode, _central.Values) && await AllDoneAsync(_ship1, _local.Values), TimeSpan.FromSeconds(45));
            Step("every message is done");

            var problems = new List<string>();
            var (centralLost, centralDuplicated) = await CheckAsync(_centralNode, _central, problems);
            var (localLost, localDuplicated) = await CheckAsync(_ship1, _local, problems);
            var firstAck = await FirstAckAsync(_central.Where(m => Batch(m.Key) == 4).Select(m => m.Value));
            output.WriteLine($"leaf uplink: central -> site {_central.Count} commands sent, {centralLost} lost, {centralDuplicated} duplicated; " +
                             $"site-local {_local.Count} sent, {localLost} lost, {localDuplicated} duplicated; uplink restored -> leaf connected " +
                             $"{linkBackAfter.TotalSeconds:0.0} s, -> first ACK of a command posted during the cut {(firstAck - restoredAt)?.TotalSeconds:0.0} s");
            Assert.True(problems.Count == 0, $"{problems.Count} commands went wrong:\n{string.Join("\n", problems)}");
        }
        finally
        {
            output.WriteLine(_timeline.ToString());
        }
    }

    [Fact]
    public async Task A_server_logged_in_to_the_hub_as_the_site_hears_its_own_nodes_traffic_and_none_of_central_s()
    {
        // What the site could do with its own server: log in to the hub with the site's user and let anyone listen.
        var certs = TestCertificates.Trusted;
        var config = Path.Combine(Directory.CreateTempSubdirectory("steward-rogue-").FullName, "rogue.conf");
        await File.WriteAllTextAsync(config, $$"""
            leafnodes {
              remotes = [ { url: "nats-leaf://site1:site1-secret@127.0.0.1:{{_hubLeafPort}}", tls { ca_file: "{{certs.Ca}}" } } ]
              reconnect: 1
            }
            """);
        var rogue = NatsServerFixture.WithConfig(config);
        await rogue.InitializeAsync();
        try
        {
            await Until.TrueAsync("the rogue server is a leaf node of the hub", async () => await _hubMonitor.LeafNodesAsync() == 2);
            await using var listener = new NatsConnection(NatsOpts.Default with { Url = rogue.Url });
            var heard = new ConcurrentQueue<string>();
            // One after the other, ship1's last: once the hub knows that one, it has been asked for all of them.
            foreach (var subject in new[] { "central.>", "_INBOX.central.>", "_INBOX.ship1.>", "ship1.>" })
            {
                var subscription = await listener.SubscribeCoreAsync<byte[]>(subject);
                _ = Task.Run(async () =>
                {
                    await foreach (var msg in subscription.Msgs.ReadAllAsync()) heard.Enqueue(msg.Subject);   // until the listener is closed
                });
            }
            await Until.TrueAsync("the hub knows what the rogue server listens to", async () => (await _hubMonitor.LeafSubscriptionsAsync()).Contains("ship1.>"));

            // central asks ship1 to run a command: the request and its ACK, ship1's reply and its ACK cross the hub.
            await CentralPostsAsync(batch: 0);
            await Until.TrueAsync("central's commands are done", () => AllDoneAsync(_centralNode, _central.Values));

            Assert.Contains(heard, subject => subject.StartsWith("ship1.REQCliCommand", StringComparison.Ordinal));
            Assert.DoesNotContain(heard, subject => subject.StartsWith("central.", StringComparison.Ordinal) || subject.StartsWith("_INBOX.central.", StringComparison.Ordinal));
        }
        finally
        {
            await rogue.DisposeAsync();
        }
    }

    /// <summary>Central posts a batch of numbered commands, alternately for ship1 and ship2.</summary>
    private async Task CentralPostsAsync(int batch)
    {
        Step($"central posts batch {batch}");
        for (var i = 0; i < BatchSize; i++)
        {
            var mark = $"central-{batch}-{i}";
            _central[mark] = (await _centralNode.Outbox.AcceptAsync(Command(i % 2 == 0 ? "ship1" : "ship2", mark)))[0];
        }
    }

    /// <summary>While the uplink is stalled or cut, ship1 sends ship2 a batch of commands, and each is done, replied to ship1.</summary>
    private async Task SiteWorksAloneAsync(int batch)
    {
        Step($"ship1 posts site-local batch {batch}");
        var ids = new List<long>();
        for (var i = 0; i < BatchSize; i++)
        {
            var mark = $"local-{batch}-{i}";
            ids.Add(_local[mark] = (await _ship1.Outbox.AcceptAsync(Command("ship2", mark)))[0]);
        }
        await Until.TrueAsync($"site-local batch {batch} is done", () => AllDoneAsync(_ship1, ids));
        Step($"site-local batch {batch} done");
    }

    private Message Command(string toNode, string mark) => new()
    {
        ToNode = toNode, Method = Methods.CliCommand, MethodArgs = _runs.Command(mark), MethodTimeout = 30,
        // Patient enough for any outage here: a resend at most every ACKTimeout × 4 = 8 s.
        AckTimeout = 2, Retries = 100, RetryWait = 1, ReplyACKTimeout = 2, ReplyRetries = 100,
    };

    private static int Batch(string mark) => mark.StartsWith("central-", StringComparison.Ordinal) ? int.Parse(mark.Split('-')[1], CultureInfo.InvariantCulture) : -1;

    private Task FirstRunAsync(int batch) =>
        Until.TrueAsync($"a command of central's batch {batch} ran", () => _runs.Lines.Any(mark => Batch(mark) == batch));

    /// <summary>Central resends a message of the batch: its first send got no ACK, as the uplink did not carry it.</summary>
    private Task ResentAsync(int batch) =>
        Until.TrueAsync($"central resends a message of batch {batch}", async () =>
        {
            foreach (var (_, id) in _central.Where(m => Batch(m.Key) == batch))
                if ((await _centralNode.Queries.FindOutboundAsync(id, CancellationToken.None))?.State == MessageStates.Retrying) return true;
            return false;
        });

    private Task UplinkUpAsync() =>
        Until.TrueAsync("the site's server is a leaf node of the hub", async () => await _hubMonitor.LeafNodesAsync() == 1 && await _siteMonitor.LeafNodesAsync() == 1);

    private static async Task<bool> AllDoneAsync(NodeRuntime sender, IEnumerable<long> ids)
    {
        foreach (var id in ids)
            if ((await sender.Queries.FindOutboundAsync(id, CancellationToken.None))?.State != MessageStates.Done) return false;
        return true;
    }

    /// <summary>Every command ran exactly once and ended done with its one reply, its mark; counts the lost and the duplicated.</summary>
    private async Task<(int Lost, int Duplicated)> CheckAsync(NodeRuntime sender, Dictionary<string, long> sent, List<string> problems)
    {
        var runs = _runs.Lines.GroupBy(line => line).ToDictionary(g => g.Key, g => g.Count());
        int lost = 0, duplicated = 0;
        foreach (var (mark, id) in sent)
        {
            var state = (await sender.Queries.FindOutboundAsync(id, CancellationToken.None))?.State;
            var events = await sender.Queries.EventsAsync(id, 0, CancellationToken.None);
            var replies = events.Where(e => e.Kind == EventKinds.Reply).Select(e => e.Output).ToList();
            var ran = runs.GetValueOrDefault(mark);
            if (ran == 0 || state != MessageStates.Done) lost++;
            if (ran > 1 || replies.Count > 1) duplicated++;
            if (state != MessageStates.Done || ran != 1 || replies is not [var reply] || reply != $"{mark}\n")
                problems.Add($"{mark} (message {id} from {sender.NodeName}): ran {ran} time(s), {state}, {replies.Count} replies, events " +
                             string.Join(" ", events.Select(e => $"{e.Kind}:{e.State}#{e.Attempt}@{e.At:HH:mm:ss.fff}")));
        }
        return (lost, duplicated);
    }

    private async Task<DateTime?> FirstAckAsync(IEnumerable<long> ids)
    {
        DateTime? first = null;
        foreach (var id in ids)
            foreach (var acked in (await _centralNode.Queries.EventsAsync(id, 0, CancellationToken.None)).Where(e => e.State == MessageStates.Acked))
                if (first is null || acked.At < first) first = acked.At;
        return first;
    }

    private void Step(string what) =>
        _timeline.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(' ').AppendLine(what);
}
