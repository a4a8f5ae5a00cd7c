using System.Globalization;
using System.Text;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Delivery;

/// <summary>Restarts its own nats-server, so it does not share the collection's broker.</summary>
public sealed class BrokerRestartTests : IAsyncLifetime
{
    private readonly NatsServerFixture _broker = new();

    public Task InitializeAsync() => _broker.InitializeAsync();

    public Task DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task A_broker_restart_in_the_middle_of_1000_messages_loses_none_and_runs_none_twice()
    {
        await using var sender = await TestNode.StartAsync(_broker.Url, Names.Next("central"));
        await using var receiver = await TestNode.StartAsync(_broker.Url, Names.Next("ship"));
        var messages = Enumerable.Range(1, 1000).Select(i => new Message
        {
            ToNode = receiver.NodeName, Method = Methods.ToFileAppend, ReplyMethod = Methods.None, Directory = "restart", FileName = "lines.txt",
            Data = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{i}\n")), AckTimeout = 2, Retries = 30, RetryWait = 1,
        });

        await sender.Outbox.AcceptAsync(messages);
        await Wait.ForCountAsync(sender, MessageStates.Done, 100);
        await _broker.RestartAsync();

        await Wait.ForCountAsync(sender, MessageStates.Done, 1000, TimeSpan.FromSeconds(120));
        await Until.TrueAsync("the receiver finished every message it ACKed", async () =>
            (await receiver.Store.Reads.UnfinishedInboundAsync(CancellationToken.None)).Count == 0);
        var lines = await File.ReadAllLinesAsync(Path.Combine(receiver.Context.FilesFolder, "restart", sender.NodeName, "lines.txt"));
        Assert.Equal(1000, lines.Length);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture)), lines.Order(StringComparer.Ordinal).OrderBy(int.Parse));
    }
}
