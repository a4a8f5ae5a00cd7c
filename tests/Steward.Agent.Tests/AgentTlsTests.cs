using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>The agent as a real process against a broker that takes TLS connections only.</summary>
public sealed class AgentTlsTests : IAsyncLifetime
{
    private readonly NatsServerFixture _broker = NatsServerFixture.WithTls();

    public Task InitializeAsync() => _broker.InitializeAsync();

    public Task DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task An_agent_with_the_wrong_CA_exits_2_with_one_line_naming_the_broker_and_the_CA_file_instead_of_retrying()
    {
        var data = Directory.CreateTempSubdirectory("steward-agent-tls-").FullName;
        var wrongCa = TestCertificates.Other.Ca;

        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Agent,
            "--node", Names.Next("ship"), "--broker", _broker.TlsUrl, "--data", data, $"--Steward:BrokerCaFile={wrongCa}");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("not trusted", StringComparison.Ordinal));
        Assert.EndsWith($"cannot connect to {_broker.TlsUrl}: the broker's certificate is not trusted by {wrongCa}", line.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);   // no stack trace
    }

    [Fact]
    public async Task An_agent_with_the_right_CA_starts_against_the_tls_only_broker()
    {
        var data = Directory.CreateTempSubdirectory("steward-agent-tls-").FullName;

        await using var agent = await HostProcess.StartAsync(HostProcess.Agent,
            "--node", Names.Next("ship"), "--broker", _broker.TlsUrl, "--data", data, $"--Steward:BrokerCaFile={TestCertificates.Trusted.Ca}");

        Assert.Contains($"started: broker {_broker.TlsUrl}", agent.Output, StringComparison.Ordinal);
    }
}
