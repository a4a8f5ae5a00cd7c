using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests;

/// <summary>The web dashboard at <c>/</c>, used as an operator would in Debian's headless Chromium (tools/browser-test/dashboard.mjs).</summary>
[Collection(BrokerCollection.Name)]
public sealed class DashboardTests(NatsServerFixture broker)
{
    private const string Token = "dashboard-test-token";

    [Fact]
    public async Task An_operator_signs_in_runs_a_command_on_two_nodes_and_cancels_a_sleep_from_the_dashboard()
    {
        var central = Names.Next("central");
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        // The ships first: the gateway process is given the keys of the fleet as it starts. A hello is published once,
        // not stored: a hello a second reaches central soon after it is up.
        await using var ship1 = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => (o.CentralNodeName, o.HelloIntervalSeconds) = (central, 1));
        await using var ship2 = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => (o.CentralNodeName, o.HelloIntervalSeconds) = (central, 1));
        await using var gateway = await HostProcess.StartAsync(HostProcess.Gateway, new Dictionary<string, string> { ["Steward__ApiToken"] = Token },
            "--node", central, "--central", central, "--broker", broker.Url,
            "--data", Directory.CreateTempSubdirectory("steward-dashboard-").FullName, "--urls", url);
        var (node1, node2) = (ship1.NodeName, ship2.NodeName);

        var output = await BrowserScript.RunAsync("dashboard.mjs", url, Token, node1, node2, Path.Combine(RepositoryRoot.Path, "docs"));

        using var seen = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var page = seen.RootElement;
        Assert.Contains("401 Unauthorized", page.GetProperty("wrongToken").GetString(), StringComparison.Ordinal);
        // uname -n prints this machine's name, under each node's own card.
        foreach (var node in new[] { node1, node2 })
            Assert.Equal(Environment.MachineName, page.GetProperty("uname").GetProperty(node).GetString()!.Trim(), ignoreCase: true);
        Assert.Contains("cancelled", page.GetProperty("cancelled").GetString(), StringComparison.Ordinal);
        Assert.Equal("cancelled", page.GetProperty("timeline").EnumerateArray().Last().GetString());
        Assert.Equal("live", page.GetProperty("errorLog").GetString());
        var split = page.GetProperty("split").EnumerateArray().Select(args => args.EnumerateArray().Select(a => a.GetString()!).ToArray()).ToArray();
        Assert.Equal(["bash", "-c", "df -h | tail -1"], split[0]);
        Assert.Equal(["echo", "a \"b\"", "c d", ""], split[1]);
        // What the page showed is what the gateway holds.
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        var sleep = await client.GetFromJsonAsync<JsonElement>($"/messages/{page.GetProperty("sleepId").GetString()}");
        Assert.Equal("cancelled", sleep.GetProperty("state").GetString());
        Assert.Equal(node1, sleep.GetProperty("toNode").GetString());
    }
}
