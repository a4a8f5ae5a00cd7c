using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.Core.Node;
using Microsoft.Extensions.DependencyInjection;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Trust;

/// <summary>A new node shows up with its key pending; an operator approves it; from then on it is heard and obeys.</summary>
[Collection(BrokerCollection.Name)]
public sealed class EnrolmentTests(NatsServerFixture broker) : GatewayTest(broker)
{
    private Task<NodeRuntime> StartNewNodeAsync() => TestNode.StartAsync(Broker.Url, Names.Next("ship"), o =>
    {
        (o.CentralNodeName, o.Allow, o.HelloIntervalSeconds) = (Gateway.NodeName, [], 1);
        o.TrustedKeys[Gateway.NodeName] = Gateway.Services.GetRequiredService<NodeRuntime>().PublicKey;
    }, joinFleet: false);

    private async Task<JsonElement?> NodeViewAsync(string name) =>
        (await Client.GetFromJsonAsync<JsonElement[]>("/nodes"))!.Cast<JsonElement?>().FirstOrDefault(n => n!.Value.GetProperty("name").GetString() == name);

    [Fact]
    public async Task A_new_nodes_key_is_pending_until_approved_then_its_hello_counts_and_it_runs_commands()
    {
        await using var ship = await StartNewNodeAsync();

        var pending = await Until.ValueAsync("GET /nodes shows the new node's key as pending", async () =>
            await NodeViewAsync(ship.NodeName) is { } view && view.GetProperty("pendingKey").GetString() == ship.PublicKey ? view : (JsonElement?)null);
        Assert.False(pending!.Value.TryGetProperty("lastSeen", out _));   // its hellos were refused

        var approved = await Client.PostAsync($"/nodes/{ship.NodeName}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(ship.PublicKey, (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("publicKey").GetString());

        await Until.TrueAsync("its hello is heard", async () => await NodeViewAsync(ship.NodeName) is { } view
            && view.GetProperty("online").GetBoolean() && view.GetProperty("publicKey").GetString() == ship.PublicKey);
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{ship.NodeName}}","method":"REQCliCommand","methodArgs":["echo","enrolled"]}""");
        Assert.Equal("done", await Until.ValueAsync("the command ended", async () =>
            await Client.StateOfAsync(ids[0]) is { } state && state is "done" or "failed" or "rejected" ? state : null));
        Assert.Equal(Gateway.Services.GetRequiredService<NodeRuntime>().Keys.Version, ship.Keys.Version);   // it was sent the key set
    }

    [Fact]
    public async Task Approving_a_key_given_by_the_operator_enrols_it_and_a_bad_key_is_a_400_naming_publicKey()
    {
        var bad = await Client.PostAsJsonAsync($"/nodes/{Names.Next("ship")}/approve", new { publicKey = "not-a-key" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("publicKey", out _));

        var nothing = await Client.PostAsync($"/nodes/{Names.Next("ship")}/approve", null);
        Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);

        await using var ship = await StartNewNodeAsync();
        var given = await Client.PostAsJsonAsync($"/nodes/{ship.NodeName}/approve", new { publicKey = ship.PublicKey });
        Assert.Equal(HttpStatusCode.OK, given.StatusCode);
        var again = await Client.PostAsync($"/nodes/{ship.NodeName}/approve", null);   // a pending key cannot replace it silently
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await Until.TrueAsync("its hello is heard", async () => await NodeViewAsync(ship.NodeName) is { } view && view.GetProperty("online").GetBoolean());
    }
}
