using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Steward.Gateway.Auth;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Auth;

public sealed class OperatorRolesTests : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new("nats://127.0.0.1:1");
    private string _readToken = "";
    private string _operateToken = "";

    public Task InitializeAsync()
    {
        var operators = new OperatorsFile(_gateway.DataFolder);
        _readToken = operators.Add("viewer", OperatorRoles.Read);
        _operateToken = operators.Add("ops.alice@example", OperatorRoles.Operate);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private HttpClient ClientWith(string token)
    {
        var client = _gateway.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_read_token_may_GET_everything_but_POST_and_DELETE_are_403_problems_naming_the_operate_role()
    {
        using var client = ClientWith(_readToken);

        foreach (var path in new[] { "/messages", "/nodes", "/errors" }) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/messages/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/batches/1")).StatusCode);
        var refused = new[]
        {
            await client.PostAsync("/messages", Json("""{"toNode":"ship1","method":"REQNone"}""")),
            await client.PostAsync("/messages/batch", Json("""{"toHosts":["ship1","ship2"],"method":"REQNone"}""")),
            await client.DeleteAsync("/messages/1"),
        };

        foreach (var response in refused)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
            Assert.Contains("needs the role 'operate'", detail, StringComparison.Ordinal);
            Assert.Contains("operator 'viewer' has the role 'read'", detail, StringComparison.Ordinal);
        }
        using var admin = _gateway.CreateClient();
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/messages")).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task An_operate_token_may_post_and_the_audit_log_line_of_the_message_names_the_operator()
    {
        using var client = ClientWith(_operateToken);

        var id = (await client.PostMessagesAsync("""{"toNode":"ship1","method":"REQNone"}"""))[0];

        var line = await Until.ValueAsync("the message is in the audit log", () =>
        {
            var path = Path.Combine(_gateway.DataFolder, "audit.log");
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.Contains($"\"message\":{{\"id\":{id},", StringComparison.Ordinal)) : null;
        });
        Assert.Equal("ops.alice@example", JsonDocument.Parse(line).RootElement.GetProperty("operator").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/messages/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_token_no_operator_has_is_401_even_when_operators_exist()
    {
        using var client = ClientWith(_readToken + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/messages", Json("""{"toNode":"ship1","method":"REQNone"}"""))).StatusCode);
    }

    [Fact]
    public void The_operators_file_keeps_only_hashes_mode_0600_in_a_folder_it_made_mode_0700()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("steward-operators-").FullName, "central");
        var operators = new OperatorsFile(folder);

        var token = operators.Add("carol", OperatorRoles.Read);

        var text = File.ReadAllText(operators.Path);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.Contains(OperatorEntry.Hash(token), text, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(operators.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        var entry = Assert.Single(operators.Read());
        Assert.Equal(("carol", "read"), (entry.Name, entry.Role));
        Assert.Equal(43, token.Length);   // 32 random bytes, base64url without padding
    }
}
