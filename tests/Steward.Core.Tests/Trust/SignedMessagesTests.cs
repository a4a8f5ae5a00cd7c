using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Core.Tests.Trust;

/// <summary>
/// Anyone who can reach the broker (here an open one) sends a ship hand-made messages: only what central signed runs.
/// Every refusal is answered at once with its reason, before anything is stored, so nothing can run later.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SignedMessagesTests(NatsServerFixture broker) : IAsyncLifetime
{
    private readonly RunCounter _runs = new();
    private NodeRuntime _central = null!;
    private NodeRuntime _ship = null!;

    public async Task InitializeAsync()
    {
        var central = Names.Next("central");
        _central = await TestNode.StartAsync(broker.Url, central, o => { o.CentralNodeName = central; o.Allow = []; });
        _ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => { o.CentralNodeName = central; o.Allow = []; });
    }

    public async Task DisposeAsync()
    {
        await _ship.DisposeAsync();
        await _central.DisposeAsync();
    }

    private Message Command(string fromNode, string mark) => new()
    {
        Id = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        FromNode = fromNode, ToNode = _ship.NodeName, Method = Methods.CliCommand, MethodArgs = _runs.Command(mark), ReplyMethod = Methods.None, MethodTimeout = 10,
    };

    private async Task<AckReply> SendToShipAsync(string keyFolder, Func<Forger, byte[]> payload)
    {
        await using var forger = await Forger.ConnectAsync(broker.Url, keyFolder);
        return await forger.SendAsync(_ship.NodeName, Methods.CliCommand, payload(forger));
    }

    private static string StrangerFolder() => Directory.CreateTempSubdirectory("steward-stranger-").FullName;

    [Fact]
    public async Task A_command_signed_by_central_runs_once()
    {
        var answer = await SendToShipAsync(_central.Context.DataFolder, f => f.Sign(Command(_central.NodeName, "signed")));

        Assert.True(answer.Accepted, answer.Reason);
        await Until.TrueAsync("the signed command ran", () => _runs.Lines.Count == 1);
    }

    [Fact]
    public async Task An_unsigned_command_claiming_to_be_from_central_is_refused_and_runs_nothing()
    {
        var answer = await SendToShipAsync(StrangerFolder(), _ => Forger.WithoutSignature(Command(_central.NodeName, "unsigned")));

        Assert.False(answer.Accepted);
        Assert.StartsWith("unsigned", answer.Reason, StringComparison.Ordinal);
        Assert.Empty(_runs.Lines);
        Assert.Empty(await _ship.Store.Reads.UnfinishedInboundAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_command_signed_by_an_unknown_key_is_refused_and_runs_nothing()
    {
        var answer = await SendToShipAsync(StrangerFolder(), f => f.Sign(Command("stranger", "unknown")));

        Assert.False(answer.Accepted);
        Assert.Equal("unknown sender: node stranger has no enrolled key here", answer.Reason);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task A_command_signed_by_another_key_than_that_of_its_fromNode_is_refused_and_runs_nothing()
    {
        // A real, enrolled node (another ship) signs with its own key and claims to be central.
        var other = await TestNode.StartAsync(broker.Url, Names.Next("ship"));
        await using var running = other;
        var answer = await SendToShipAsync(other.Context.DataFolder, f => f.Sign(Command(_central.NodeName, "impostor")));

        Assert.False(answer.Accepted);
        Assert.StartsWith($"bad signature: not signed with the key of {_central.NodeName}", answer.Reason, StringComparison.Ordinal);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task A_command_changed_after_central_signed_it_is_refused_and_runs_nothing()
    {
        var harmless = Command(_central.NodeName, "harmless");
        var answer = await SendToShipAsync(_central.Context.DataFolder, f => f.Sign(harmless, signed =>
            Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signed).Replace("echo harmless", "echo changed", StringComparison.Ordinal))));

        Assert.False(answer.Accepted);
        Assert.StartsWith("bad signature", answer.Reason, StringComparison.Ordinal);
        Assert.Empty(_runs.Lines);
    }

    [Fact]
    public async Task An_answer_not_signed_by_the_node_a_message_went_to_is_ignored_so_the_message_is_not_acked()
    {
        // The real node is down; someone who can subscribe on an open broker answers every message for it with an ACK.
        var absent = Names.Next("ship");
        using (var realKey = Steward.Core.Trust.NodeKey.LoadOrCreate(StrangerFolder())) _central.Keys.Enroll(absent, realKey.PublicKey);
        await using var forger = await Forger.ConnectAsync(broker.Url, StrangerFolder());
        var subscription = await forger.Connection.SubscribeCoreAsync<byte[]>($"{absent}.>");
        await forger.Connection.PingAsync();
        var answering = Task.Run(async () =>
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync())
            {
                var asked = System.Text.Json.JsonSerializer.Deserialize(msg.Data!, StewardJson.Default.Message)!;
                await msg.ReplyAsync(forger.SignAnswer(AckReply.Ack(absent, asked)));
            }
        });

        var id = (await _central.Outbox.AcceptAsync(new Message { ToNode = absent, Method = Methods.Ping, AckTimeout = 1, Retries = 1, RetryWait = 1 }))[0];

        var row = await Wait.ForStateAsync(_central, id, "failed");
        Assert.Contains($"the answer was not signed by {absent}'s enrolled key", row.LastError, StringComparison.Ordinal);
        await subscription.UnsubscribeAsync();
        await answering;
    }
}
