using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests;

/// <summary>Swagger UI in Debian's headless Chromium, driven by playwright-core (tools/browser-test), against the gateway process.</summary>
[Collection(BrokerCollection.Name)]
public sealed class SwaggerUiBrowserTests(NatsServerFixture broker)
{
    [Fact]
    public async Task Swagger_UI_authorizes_and_posts_a_command_with_Try_it_out()
    {
        const string token = "swagger-ui-test-token";
        var central = Names.Next("central");
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        await using var gateway = await HostProcess.StartAsync(HostProcess.Gateway, "--node", central, "--central", central, "--broker", broker.Url,
            "--data", Directory.CreateTempSubdirectory("steward-swagger-").FullName, "--urls", url, "--token", token);
        await using var ship = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.CentralNodeName = central);
        var folder = Path.Combine(RepositoryRoot.Path, "tools", "browser-test");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "playwright-core")), $"run 'npm ci' in {folder} (scripts/test.sh does)");

        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "swagger-try-it.mjs", url, token, ship.NodeName, Path.Combine(RepositoryRoot.Path, "docs", "swagger-ui.png") })
            start.ArgumentList.Add(arg);
        using var browser = Process.Start(start)!;
        var output = await browser.StandardOutput.ReadToEndAsync() + await browser.StandardError.ReadToEndAsync();
        await browser.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(browser.ExitCode == 0, output);
        Assert.Contains("status 202", output, StringComparison.Ordinal);
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        await Until.TrueAsync("the command posted from Swagger UI is done", async () =>
            (await client.GetFromJsonAsync<JsonElement>($"/messages?node={ship.NodeName}")).GetProperty("messages")
                .EnumerateArray().Any(m => m.GetProperty("state").GetString() == "done"));
    }
}
