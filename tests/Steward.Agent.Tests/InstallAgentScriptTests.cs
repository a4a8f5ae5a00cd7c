using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>
/// scripts/install-agent.sh, run with <c>--root</c> (everything under a folder, nothing started: this machine has no
/// systemd running) on the Native AOT agent the README publishes: what it installs, the unit systemd's own checker
/// accepts, and the installed agent starting with the settings it wrote.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class InstallAgentScriptTests(NatsServerFixture broker)
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "scripts", "install-agent.sh");
    private static string Published => File.Exists(HostProcess.AotAgent) ? HostProcess.AotAgent
        : throw new FileNotFoundException($"no Native AOT agent at {HostProcess.AotAgent}: {HostProcess.AotAgentBuild}");

    [Fact]
    public async Task Install_writes_a_hardened_unit_systemd_accepts_and_settings_the_agent_starts_with()
    {
        var root = Directory.CreateTempSubdirectory("steward-install-").FullName;
        TestFleet.EnsureKnown("central");
        var (code, output) = await RunAsync("install", "--binary", Published, "--node", Names.Next("ship"), "--broker", broker.Url,
            "--central", "central", "--central-key", TestFleet.Keys["central"], "--set", "Labels=role=web,site=north", "--root", root);
        Assert.True(code == 0, output);

        var installed = Path.Combine(root, "usr/local/lib/steward-agent/steward-agent");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(installed));
        var environmentFile = Path.Combine(root, "etc/steward/agent.env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(environmentFile));

        // systemd's checker, on the unit as it is but for where the binary lies in this test.
        var unit = await File.ReadAllTextAsync(Path.Combine(root, "etc/systemd/system/steward-agent.service"));
        Assert.Contains("KillMode=mixed", unit, StringComparison.Ordinal);
        Assert.Contains("ProtectSystem=strict", unit, StringComparison.Ordinal);
        var checkedUnit = Path.Combine(root, "steward-agent.service");
        await File.WriteAllTextAsync(checkedUnit, unit.Replace("ExecStart=/usr/local/lib/steward-agent/steward-agent", $"ExecStart={installed}", StringComparison.Ordinal));
        var verify = await RunAsync("systemd-analyze", ["verify", "--man=no", checkedUnit]);
        Assert.True(verify.Code == 0 && verify.Output.Trim().Length == 0, verify.Output);
        var security = await RunAsync("systemd-analyze", ["security", "--offline=true", checkedUnit]);
        Assert.Matches(@"Overall exposure level for steward-agent\.service: [0-4]\.\d OK", security.Output);

        // The installed agent starts with exactly the settings the file holds (its data folder moved out of /var/lib here).
        var settings = File.ReadAllLines(environmentFile).Where(l => !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        settings["Steward__DataFolder"] = Path.Combine(root, "data");
        await using var agent = await HostProcess.StartAsync(installed, settings);
        Assert.Contains(settings["Steward__NodeName"] + " started: broker", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uninstall_with_purge_leaves_nothing_and_a_missing_setting_is_named()
    {
        var root = Directory.CreateTempSubdirectory("steward-install-").FullName;
        var refused = await RunAsync("install", "--binary", Published, "--node", "ship1", "--broker", broker.Url, "--central", "central", "--root", root);
        Assert.Equal(2, refused.Code);
        Assert.Contains("--central-key is required", refused.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("install", "--binary", Published, "--node", "ship1", "--broker", broker.Url, "--central", "central",
            "--central-key", "UABC", "--root", root)).Code);
        Assert.Equal(0, (await RunAsync("uninstall", "--purge", "--root", root)).Code);
        Assert.Empty(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories));
    }

    private static Task<(int Code, string Output)> RunAsync(params string[] args) => RunAsync("bash", [Script, .. args]);

    private static async Task<(int Code, string Output)> RunAsync(string program, string[] args)
    {
        var run = await ProgramRun.RunAsync(program, args);
        return (run.ExitCode, run.Output + run.Errors);
    }
}
