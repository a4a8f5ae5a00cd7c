using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Auth;

public sealed class OperatorAuthTests : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new("nats://127.0.0.1:1");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Without_the_right_token_the_API_answers_401_with_a_problem(string? token)
    {
        using var client = _gateway.CreateAnonymousClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        foreach (var request in new[] { "/messages/1", "/messages/1/events" })
        {
            var response = await client.GetAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        var posted = await client.PostAsync("/messages", new StringContent("""{"toNode":"ship1","method":"REQNone"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, posted.StatusCode);
    }

    [Fact]
    public async Task Only_event_streams_take_the_token_in_the_query_as_EventSource_cannot_send_headers()
    {
        using var client = _gateway.CreateAnonymousClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/messages/1/events?access_token={GatewayFactory.Token}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/messages/1?access_token={GatewayFactory.Token}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/messages/1/events?access_token=wrong")).StatusCode);
    }

    [Fact]
    public async Task Health_and_the_Swagger_UI_page_need_no_token()
    {
        using var client = _gateway.CreateAnonymousClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz")).StatusCode);   // no broker here
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/index.html")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_offers_the_bearer_scheme_to_Swagger_UI()
    {
        using var client = _gateway.CreateAnonymousClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("security")[0].TryGetProperty("Bearer", out _));
    }
}
