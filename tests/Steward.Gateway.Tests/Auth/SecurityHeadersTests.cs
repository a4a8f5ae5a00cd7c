using System.Net;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Auth;

public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new("nats://127.0.0.1:1");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData("/healthz", true, HttpStatusCode.ServiceUnavailable)]
    [InlineData("/swagger/index.html", false, HttpStatusCode.OK)]
    [InlineData("/openapi/v1.json", false, HttpStatusCode.OK)]
    [InlineData("/", false, HttpStatusCode.OK)]
    [InlineData("/app.js", false, HttpStatusCode.OK)]
    [InlineData("/messages", true, HttpStatusCode.OK)]
    [InlineData("/messages/1", true, HttpStatusCode.NotFound)]
    [InlineData("/messages?limit=0", true, HttpStatusCode.BadRequest)]
    [InlineData("/messages", false, HttpStatusCode.Unauthorized)]
    [InlineData("/no/such/path", true, HttpStatusCode.NotFound)]
    public async Task Every_response_carries_the_security_headers(string path, bool withToken, HttpStatusCode status)
    {
        using var client = withToken ? _gateway.CreateClient() : _gateway.CreateAnonymousClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }
}
