using Steward.TestSupport;

namespace Steward.Gateway.Tests;

public sealed class GatewayProcessTests
{
    [Fact]
    public async Task Help_lists_every_switch_and_exits_zero()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Gateway, "--help");

        Assert.Equal(0, exitCode);
        foreach (var sw in new[] { "--node", "--broker", "--data", "--central", "--urls", "Steward__ApiToken", "Steward__ApiTokenFile", "operators add" }) Assert.Contains(sw, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_durability_stops_the_gateway_with_one_clear_line()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Gateway, "--durability", "SOMETIMES", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Durability must be OFF, NORMAL, FULL or EXTRA", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_cap_on_event_streams_stops_the_gateway_with_one_clear_line()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Gateway, "--Steward:MaxEventStreams=0", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("MaxEventStreams must be between 1 and 100000", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--token", "secret-on-the-command-line")]
    [InlineData("--Steward:ApiToken=secret-on-the-command-line")]
    public async Task A_token_on_the_command_line_is_refused_with_one_line_naming_the_environment_and_the_file(params string[] switches)
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(HostProcess.Gateway, [.. switches, "--urls", "http://127.0.0.1:0"]);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("refused", line, StringComparison.Ordinal);
        Assert.Contains("Steward__ApiToken", line, StringComparison.Ordinal);
        Assert.Contains("Steward__ApiTokenFile", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-on-the-command-line", line, StringComparison.Ordinal);
    }
}
