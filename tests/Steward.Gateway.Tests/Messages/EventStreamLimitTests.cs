using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

[Collection(BrokerCollection.Name)]
public sealed class EventStreamLimitTests(NatsServerFixture broker) : GatewayTest(broker)
{
    protected override void Configure(GatewayFactory gateway) => gateway.Settings["Steward:MaxEventStreams"] = "2";

    [Fact]
    public async Task Streams_over_the_cap_are_refused_with_503_and_Retry_After_until_one_closes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var id = (await Client.PostMessagesAsync($$"""{"toNode":"{{Names.Next("ghost")}}","method":"REQNone","ACKTimeout":5,"retries":10}"""))[0];
        using var first = await OpenAsync("/errors/events", timeout.Token);
        using var second = await OpenAsync($"/messages/{id}/events", timeout.Token);

        using var refused = await OpenAsync("/errors/events", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Steward:MaxEventStreams", (await refused.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/messages/{id}", timeout.Token)).StatusCode);   // only streams count

        first.Dispose();   // the client goes away

        await Until.TrueAsync("a new stream is accepted", async () =>
        {
            using var again = await OpenAsync($"/batches/{id}/events", timeout.Token);
            return again.StatusCode != HttpStatusCode.ServiceUnavailable;   // 404: not a batch, but past the cap
        });
    }

    private Task<HttpResponseMessage> OpenAsync(string url, CancellationToken ct) => Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
}
