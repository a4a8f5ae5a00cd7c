using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests;

/// <summary>The gateway in a real browser: Debian's headless Chromium driven by playwright-core (tools/browser-test).</summary>
[Collection(BrokerCollection.Name)]
public sealed class BrowserTests(NatsServerFixture broker)
{
    private const string Token = "browser-test-token";

    [Fact]
    public async Task Swagger_UI_authorizes_and_posts_a_command_with_Try_it_out()
    {
        var (url, gateway, ship) = await StartAsync();
        await using var _ = gateway;
        await using var __ = ship;

        var output = await BrowserScript.RunAsync("swagger-try-it.mjs", url, Token, ship.NodeName, Path.Combine(RepositoryRoot.Path, "docs", "swagger-ui.png"));

        Assert.Contains("status 202", output, StringComparison.Ordinal);
        using var client = Client(url);
        await Until.TrueAsync("the command posted from Swagger UI is done", async () =>
            (await client.GetFromJsonAsync<JsonElement>($"/messages?node={ship.NodeName}")).GetProperty("messages")
                .EnumerateArray().Any(m => m.GetProperty("state").GetString() == "done"));
    }

    [Fact]
    public async Task A_browser_EventSource_follows_a_message_to_its_reply()
    {
        var (url, gateway, ship) = await StartAsync();
        await using var _ = gateway;
        await using var __ = ship;
        using var client = Client(url);
        var id = (await client.PostMessagesAsync($$"""{"toNode":"{{ship.NodeName}}","method":"REQCliCommand","methodArgs":["echo","seen in the browser"]}"""))[0];

        var output = await BrowserScript.RunAsync("eventsource.mjs", url, Token, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var seen = JsonSerializer.Deserialize<string[]>(output.Trim().Split('\n')[^1])!;
        Assert.Contains("reply:seen in the browser\n", seen);
        Assert.Equal("state:done", seen[^1]);
    }

    private async Task<(string Url, HostProcess Gateway, Steward.Core.Node.NodeRuntime Ship)> StartAsync()
    {
        var central = Names.Next("central");
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        // The ship first: the gateway process is given the keys of the fleet as it starts.
        var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.CentralNodeName = central);
        var gateway = await HostProcess.StartAsync(HostProcess.Gateway, new Dictionary<string, string> { ["Steward__ApiToken"] = Token },
            "--node", central, "--central", central, "--broker", broker.Url,
            "--data", Directory.CreateTempSubdirectory("steward-browser-").FullName, "--urls", url);
        return (url, gateway, ship);
    }

    private static HttpClient Client(string url)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return client;
    }
}
