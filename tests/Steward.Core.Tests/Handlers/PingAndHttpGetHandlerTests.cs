using System.Net;
using System.Text;
using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

[Collection(BrokerCollection.Name)]
public sealed class PingAndHttpGetHandlerTests(NatsServerFixture broker) : IAsyncLifetime
{
    private readonly LocalWebServer _web = new();

    public Task InitializeAsync() => _web.StartAsync();

    public async Task DisposeAsync() => await _web.DisposeAsync();

    [Fact]
    public async Task A_ping_comes_back_as_a_pong_naming_the_node()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        var id = await nodes.SendAsync(new Message { Method = Methods.Ping });

        Assert.StartsWith($"pong from {nodes.Receiver.NodeName} at ", Assert.Single(await nodes.RepliesAsync(id)).Output, StringComparison.Ordinal);
    }

    // A pong can come back before the sender has committed "sent" (that write is not waited for): it must not be refused
    // as a reply to a message still "queued", which would leave the ping waiting for its reply for good.
    [Fact]
    public async Task Every_ping_of_many_in_a_row_comes_back()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        for (var i = 0; i < 300; i++) await nodes.SendAsync(new Message { Method = Methods.Ping }, timeout: TimeSpan.FromSeconds(30));

        Assert.DoesNotContain(await nodes.Sender.Store.Queries.ErrorsAsync(0, CancellationToken.None), e => e.Line.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task REQHttpGet_replies_with_the_body_of_a_200()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        var id = await nodes.SendAsync(new Message { Method = Methods.HttpGet, MethodArgs = [$"{_web.Url}/ok"] });

        Assert.Equal("hello from the web", Assert.Single(await nodes.RepliesAsync(id)).Output);
    }

    [Fact]
    public async Task REQHttpGet_reports_another_status_to_the_error_log()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        var id = await nodes.SendAsync(new Message { Method = Methods.HttpGet, MethodArgs = [$"{_web.Url}/missing"] });

        await nodes.ErrorAboutAsync(id, $"GET {_web.Url}/missing answered 404");
    }

    [Fact]
    public async Task REQHttpGet_gives_up_at_the_method_timeout()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        var id = await nodes.SendAsync(new Message { Method = Methods.HttpGet, MethodArgs = [$"{_web.Url}/slow"], MethodTimeout = 1 });

        await nodes.ErrorAboutAsync(id, "method timed out after 1s");
    }
}
