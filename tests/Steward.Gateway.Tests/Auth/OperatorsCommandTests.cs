using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Auth;

/// <summary><c>Steward.Gateway operators ...</c> as an operator runs it, next to a real gateway process.</summary>
[Collection(BrokerCollection.Name)]
public sealed partial class OperatorsCommandTests(NatsServerFixture broker)
{
    private static string TokenIn(string output) => Assert.Single(output.Split('\n', StringSplitOptions.TrimEntries), l => TokenLine().IsMatch(l));

    private static HttpClient Client(string url, string token) =>
        new() { BaseAddress = new Uri(url), DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Operators_add_prints_a_token_once_that_a_running_gateway_on_the_same_data_folder_accepts_with_its_role()
    {
        var data = Directory.CreateTempSubdirectory("steward-operators-").FullName;
        var tokenFile = Path.Combine(data, "admin-token");
        await File.WriteAllTextAsync(tokenFile, "admin-from-a-file\n");
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        await using var gateway = await HostProcess.StartAsync(HostProcess.Gateway, new Dictionary<string, string> { ["Steward__ApiTokenFile"] = tokenFile },
            "--broker", broker.Url, "--data", data, "--urls", url);

        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Gateway, "operators", "add", "dave", "--role", "read", "--data", data);

        Assert.Equal(0, exitCode);
        var token = TokenIn(output);
        Assert.DoesNotContain(token, await File.ReadAllTextAsync(Path.Combine(data, "operators.json")), StringComparison.Ordinal);
        using var dave = Client(url, token);
        Assert.Equal(HttpStatusCode.OK, (await dave.GetAsync("/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.PostAsync("/messages", Json("""{"toNode":"ship1","method":"REQNone"}"""))).StatusCode);
        using var admin = Client(url, "admin-from-a-file");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync("/messages", Json("""{"toNode":"ship1","method":"REQNone"}"""))).StatusCode);
        Assert.DoesNotContain(token, gateway.Output, StringComparison.Ordinal);
        var (_, list) = await HostProcess.RunToExitAsync(HostProcess.Gateway, "operators", "list", "--data", data);
        Assert.Matches(@"(?m)^dave +read\s*$", list);
        Assert.DoesNotContain(token, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_operators_and_no_configured_token_the_gateway_makes_no_api_token_and_their_tokens_work()
    {
        var data = Path.Combine(Directory.CreateTempSubdirectory("steward-operators-").FullName, "central");
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Gateway, "operators", "add", "erin", "--role", "operate", "--data", data);
        Assert.Equal(0, exitCode);
        var url = $"http://127.0.0.1:{FreePort.Next()}";

        await using var gateway = await HostProcess.StartAsync(HostProcess.Gateway, "--broker", broker.Url, "--data", data, "--urls", url);

        Assert.False(File.Exists(Path.Combine(data, "api-token")));
        using var erin = Client(url, TokenIn(output));
        Assert.Equal(HttpStatusCode.Accepted, (await erin.PostAsync("/messages", Json("""{"toNode":"ship1","method":"REQNone"}"""))).StatusCode);
        await Until.TrueAsync("the gateway logged who posted", () => gateway.Output.Contains("Operator erin posted message(s)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bad name", "read", "must match")]
    [InlineData("frank", "write", "role must be read or operate")]
    [InlineData("grace", "read", "already exists")]
    [InlineData("admin", "operate", "choose another name")]
    public async Task Operators_add_refuses_a_bad_name_or_role_or_a_taken_name_with_one_line_and_exit_code_2(string name, string role, string problem)
    {
        var data = Directory.CreateTempSubdirectory("steward-operators-").FullName;
        await HostProcess.RunToExitAsync(HostProcess.Gateway, "operators", "add", "grace", "--role", "read", "--data", data);

        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Gateway, "operators", "add", name, "--role", role, "--data", data);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(problem, line, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex TokenLine();
}
