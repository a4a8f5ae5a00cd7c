using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Delivery;

/// <summary>A reply larger than the broker's max_payload arrives whole, in parts the reply method joins.</summary>
public sealed class LargeReplyTests : IAsyncLifetime
{
    private const int MaxPayload = 64 * 1024;
    private readonly NatsServerFixture _broker = NatsServerFixture.WithConfig(SmallPayloadConfig());

    public Task InitializeAsync() => _broker.InitializeAsync();

    public Task DisposeAsync() => _broker.DisposeAsync();

    private static string SmallPayloadConfig()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("steward-nats-").FullName, "small.conf");
        File.WriteAllText(file, $"max_payload: {MaxPayload}\n");
        return file;
    }

    [Theory]
    [InlineData(Methods.ToFileAppend)]
    [InlineData(Methods.ToFile)]
    public async Task A_reply_four_times_the_max_payload_is_written_whole_by_the_reply_method(string replyMethod)
    {
        await using var central = await TestNode.StartAsync(_broker.Url, Names.Next("central"));
        await using var ship = await TestNode.StartAsync(_broker.Url, Names.Next("ship"));
        const int lines = 4 * MaxPayload / 8;   // "1234567\n" per line

        var id = (await central.Outbox.AcceptAsync(new Message
        {
            ToNode = ship.NodeName, Method = Methods.CliCommand, MethodArgs = ["sh", "-c", $"yes 1234567 | head -n {lines}"], ReplyMethod = replyMethod,
            FileName = "big.txt",
        }))[0];

        await Wait.ForStateAsync(central, id, MessageStates.Done, TimeSpan.FromSeconds(60));
        var written = await File.ReadAllTextAsync(Path.Combine(central.Context.FilesFolder, ship.NodeName, "big.txt"));
        Assert.Equal(string.Concat(Enumerable.Repeat("1234567\n", lines)), written);
        var replies = (await central.Queries.EventsAsync(id, 0, CancellationToken.None)).Count(e => e.Kind == EventKinds.Reply);
        Assert.InRange(replies, 5, 20);   // in parts, none over the broker's limit
    }
}
