using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

public sealed class BrokerDownTests
{
    [Fact]
    public async Task With_the_broker_unreachable_the_gateway_still_accepts_and_stores_messages()
    {
        await using var gateway = new GatewayFactory("nats://127.0.0.1:1");
        using var client = gateway.CreateClient();

        var posted = await client.PostAsJsonAsync("/messages", new { toNode = "ship1", method = "REQCliCommand", methodArgs = new[] { "uptime" } });

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids")[0].GetInt64();
        var view = await client.GetFromJsonAsync<JsonElement>($"/messages/{id}");
        Assert.Contains(view.GetProperty("state").GetString(), new[] { "queued", "sent", "retrying" });
        var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}
