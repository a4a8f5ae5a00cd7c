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

    [Fact]
    public async Task REQHttpGet_of_a_body_over_the_cap_replies_with_the_first_HttpGetMaxBytes_and_names_the_cap()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url, receiver: o => o.HttpGetMaxBytes = 4096);

        var id = await nodes.SendAsync(new Message { Method = Methods.HttpGet, MethodArgs = [$"{_web.Url}/bytes/100000"] });

        Assert.Equal(new string('a', 4096), Assert.Single(await nodes.RepliesAsync(id)).Output);
        await nodes.ErrorAboutAsync(id, "the body is larger than 4096 bytes (Steward:HttpGetMaxBytes)");
    }

    [Fact]
    public async Task REQHttpGet_of_a_body_that_never_ends_stops_reading_at_the_cap()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url, receiver: o => o.HttpGetMaxBytes = 64 * 1024);

        var id = await nodes.SendAsync(new Message { Method = Methods.HttpGet, MethodArgs = [$"{_web.Url}/endless"], MethodTimeout = 10 });

        Assert.Equal(new string('a', 64 * 1024), Assert.Single(await nodes.RepliesAsync(id)).Output);
        await nodes.ErrorAboutAsync(id, "the body is larger than 65536 bytes (Steward:HttpGetMaxBytes)");
    }

    [Fact]
    public async Task REQHttpGet_of_a_body_exactly_at_the_cap_replies_with_all_of_it()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url, receiver: o => o.HttpGetMaxBytes = 4096);

        var id = await nodes.SendAsync(new Message { Method = Methods.HttpGet, MethodArgs = [$"{_web.Url}/bytes/4096"] });

        Assert.Equal(new string('a', 4096), Assert.Single(await nodes.RepliesAsync(id)).Output);
    }
}
