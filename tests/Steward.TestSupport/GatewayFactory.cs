using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steward.Core.Node;

namespace Steward.TestSupport;

/// <summary>The gateway in-process on a test server, with a fresh data folder and the test's broker.</summary>
public sealed class GatewayFactory(string brokerUrl, string nodeName = "central") : WebApplicationFactory<Program>
{
    public const string Token = "test-operator-token";

    public string NodeName { get; } = nodeName;

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("steward-gateway-").FullName;

    /// <summary>More configuration for one test, e.g. <c>["Steward:SseHeartbeatSeconds"] = "1"</c>; set before the first client.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>A client for a gateway whose node already listens on the broker, so replies are never refused.</summary>
    public async Task<HttpClient> CreateReadyClientAsync()
    {
        var client = CreateClient();
        await Services.GetRequiredService<NodeRuntime>().Receiving.WaitAsync(TimeSpan.FromSeconds(15));
        return client;
    }

    /// <summary>Clients carry the operator token, as an operator's curl would; tests of auth use <see cref="CreateAnonymousClient"/>.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
    }

    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>The gateway's node joins the <see cref="TestFleet"/>, so the test's other nodes and it trust each other.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        TestFleet.Join(host.Services.GetRequiredService<NodeRuntime>());
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Steward:Broker", brokerUrl);
        builder.UseSetting("Steward:DataFolder", DataFolder);
        builder.UseSetting("Steward:NodeName", NodeName);
        builder.UseSetting("Steward:CentralNodeName", NodeName);
        // A test host's settings reach the gateway as command-line switches, where the gateway refuses a token: a file holds it.
        var tokenFile = Path.Combine(DataFolder, "test-operator-token");
        File.WriteAllText(tokenFile, Token);
        builder.UseSetting("Steward:ApiTokenFile", tokenFile);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }
}
