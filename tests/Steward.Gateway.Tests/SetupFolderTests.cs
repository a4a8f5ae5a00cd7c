using System.Net.Http.Headers;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests;

/// <summary>
/// scripts/secure-setup.sh's folder alone starts a secure fleet, as the chiseled container images start one (Dockerfile,
/// docker-compose.yml): each host in its node's folder, with no environment and no shell to source steward.env, so
/// every key it pins and the CA it trusts come from the appsettings.json the set-up wrote there.
/// </summary>
public sealed class SetupFolderTests
{
    [Fact]
    public async Task Hosts_started_in_their_folders_with_no_environment_enrol_sign_and_answer_over_TLS()
    {
        Assert.True(File.Exists(HostProcess.AotAgent), $"the Native AOT agent is not at {HostProcess.AotAgent}; build it with {HostProcess.AotAgentBuild}");
        var root = Directory.CreateTempSubdirectory("steward-setup-").FullName;
        await RunSetupAsync(root);
        await using var broker = NatsServerFixture.WithConfig(Path.Combine(root, "nats", "nats-server.conf"));
        await broker.InitializeAsync();

        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var central = Path.Combine(root, "central");
        var ship1 = Path.Combine(root, "ship1");
        await using var gateway = await HostProcess.StartInFolderAsync(HostProcess.Gateway, central,
            "--node", "central", "--broker", broker.TlsUrl, "--data", central, "--urls", url);
        await using var agent = await HostProcess.StartInFolderAsync(HostProcess.AotAgent, ship1,
            "--node", "ship1", "--broker", broker.TlsUrl, "--data", ship1, "--central", "central");

        using var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(central, "api-token"))).Trim());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ids = await client.PostMessagesAsync("""{"toNode":"ship1","method":"REQCliCommand","methodArgs":["echo","from the folder"]}""", timeout.Token);
        var events = await client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);

        var reply = Assert.Single(events, e => e.Event == "reply");
        Assert.Equal("from the folder\n", JsonDocument.Parse(reply.Data).RootElement.GetProperty("output").GetString());
        Assert.Equal("done", events[^1].Field("state"));
    }

    [Fact]
    public async Task The_settings_file_holds_the_same_pins_and_CA_as_the_environment_file()
    {
        var root = Directory.CreateTempSubdirectory("steward-setup-").FullName;
        await RunSetupAsync(root);

        foreach (var node in new[] { "central", "ship1" })
        {
            var fromEnvironment = (await File.ReadAllLinesAsync(Path.Combine(root, node, "steward.env")))
                .Select(line => line.Split('=', 2)).ToDictionary(p => p[0].Replace("__", ":", StringComparison.Ordinal), p => p[1]);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, node, "appsettings.json")));
            var steward = json.RootElement.GetProperty("Steward");
            var fromJson = steward.GetProperty("TrustedKeys").EnumerateObject()
                .ToDictionary(p => $"Steward:TrustedKeys:{p.Name}", p => p.Value.GetString()!);
            fromJson["Steward:BrokerCaFile"] = steward.GetProperty("BrokerCaFile").GetString()!;

            Assert.Equal(fromEnvironment.OrderBy(p => p.Key), fromJson.OrderBy(p => p.Key));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(root, node, "appsettings.json")));
        }
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("new\nline")]
    [InlineData("quote\"d")]
    public async Task A_folder_whose_path_cannot_be_written_into_the_settings_file_is_refused_before_anything_is_made(string name)
    {
        var root = Path.Combine(Directory.CreateTempSubdirectory("steward-setup-").FullName, name);

        var (exitCode, error) = await SetupAsync(root, "central");

        Assert.NotEqual(0, exitCode);
        Assert.Contains(root, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "certs")), "nothing is made for a set-up that is refused");
    }

    /// <summary>The set-up as the image's set-up step runs it: the gateway's build and the AOT agent make the keys.</summary>
    private static async Task RunSetupAsync(string root)
    {
        var (exitCode, error) = await SetupAsync(root, "central", "ship1");
        Assert.True(exitCode == 0, $"secure-setup.sh exited {exitCode}: {error}");
    }

    private static async Task<(int ExitCode, string Error)> SetupAsync(string root, params string[] nodes)
    {
        var setup = await ProgramRun.RunAsync(Path.Combine(RepositoryRoot.Path, "scripts", "secure-setup.sh"), [root, "127.0.0.1", "4222", .. nodes],
            new Dictionary<string, string>
            {
                ["STEWARD_GATEWAY"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, $"{HostProcess.Gateway}.dll")}",
                ["STEWARD_AGENT"] = HostProcess.AotAgent,
            },
            timeout: TimeSpan.FromSeconds(120));
        return (setup.ExitCode, setup.Errors);
    }
}
