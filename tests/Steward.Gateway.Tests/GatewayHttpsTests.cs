using System.Net;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests;

[Collection(BrokerCollection.Name)]
public sealed class GatewayHttpsTests(NatsServerFixture broker)
{
    [Fact]
    public async Task The_gateway_given_a_certificate_through_Kestrel_configuration_answers_healthz_over_https()
    {
        var certs = TestCertificates.Trusted;
        var url = $"https://127.0.0.1:{FreePort.Next()}";
        var data = Directory.CreateTempSubdirectory("steward-gateway-https-").FullName;
        await using var gateway = await HostProcess.StartAsync(HostProcess.Gateway,
            "--node", Names.Next("central"), "--broker", broker.Url, "--data", data, "--urls", url,
            $"--Kestrel:Certificates:Default:Path={certs.ServerCert}", $"--Kestrel:Certificates:Default:KeyPath={certs.ServerKey}");
        using var client = new HttpClient(certs.TrustingHandler()) { BaseAddress = new Uri(url) };

        using var health = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("brokerConnected").GetBoolean());
    }
}
