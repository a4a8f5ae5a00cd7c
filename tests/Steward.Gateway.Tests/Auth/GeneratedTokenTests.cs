using System.Net;
using System.Net.Http.Headers;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Auth;

[Collection(BrokerCollection.Name)]
public sealed class GeneratedTokenTests(NatsServerFixture broker)
{
    [Fact]
    public async Task Without_a_configured_token_the_gateway_makes_one_keeps_it_private_and_logs_only_where_it_is()
    {
        var data = Directory.CreateTempSubdirectory("steward-token-").FullName;
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        await using var gateway = await HostProcess.StartAsync(HostProcess.Gateway, "--broker", broker.Url, "--data", data, "--urls", url);
        var file = Path.Combine(data, "api-token");
        var token = (await File.ReadAllTextAsync(file)).Trim();
        using var client = new HttpClient { BaseAddress = new Uri(url) };

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.True(token.Length >= 40, "the token is long enough to guess");
        Assert.Contains(file, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, gateway.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/messages/1")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/messages/1")).StatusCode);
    }
}
