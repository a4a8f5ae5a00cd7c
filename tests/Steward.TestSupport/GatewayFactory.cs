using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Steward.Core.Node;

namespace Steward.TestSupport;

/// <summary>The gateway in-process on a test server, with a fresh data folder and the test's broker.</summary>
public sealed class GatewayFactory(string brokerUrl, string nodeName = "central") : WebApplicationFactory<Program>
{
    public string NodeName { get; } = nodeName;

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("steward-gateway-").FullName;

    /// <summary>A client for a gateway whose node already listens on the broker, so replies are never refused.</summary>
    public async Task<HttpClient> CreateReadyClientAsync()
    {
        var client = CreateClient();
        await Services.GetRequiredService<NodeRuntime>().Receiving.WaitAsync(TimeSpan.FromSeconds(15));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Steward:Broker", brokerUrl);
        builder.UseSetting("Steward:DataFolder", DataFolder);
        builder.UseSetting("Steward:NodeName", NodeName);
        builder.UseSetting("Steward:CentralNodeName", NodeName);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }
}
