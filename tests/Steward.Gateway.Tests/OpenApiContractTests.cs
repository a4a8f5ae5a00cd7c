using Steward.TestSupport;

namespace Steward.Gateway.Tests;

public sealed class OpenApiContractTests
{
    /// <summary>Set to 1 to rewrite openapi.yaml from what the gateway serves (scripts/update-openapi.sh).</summary>
    private const string UpdateVariable = "STEWARD_UPDATE_OPENAPI";

    [Fact]
    public async Task The_openapi_yaml_at_the_root_is_what_the_gateway_serves()
    {
        await using var gateway = new GatewayFactory("nats://127.0.0.1:1");
        using var client = gateway.CreateClient();
        var served = (await client.GetStringAsync("/openapi/v1.yaml")).ReplaceLineEndings("\n");
        var path = Path.Combine(RepositoryRoot.Path, "openapi.yaml");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1") await File.WriteAllTextAsync(path, served);

        var committed = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");

        if (committed != served) Assert.Fail(FirstDifference(committed, served));
    }

    [Fact]
    public async Task The_openapi_yaml_passes_a_third_party_linter_without_errors()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "tools", "openapi-lint");
        var redocly = Path.Combine(folder, "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"{redocly} is missing: run 'npm ci' in {folder} (scripts/test.sh does)");
        var start = new System.Diagnostics.ProcessStartInfo(redocly) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("lint");
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "openapi.yaml"));
        using var lint = System.Diagnostics.Process.Start(start)!;
        var output = await lint.StandardOutput.ReadToEndAsync() + await lint.StandardError.ReadToEndAsync();
        await lint.WaitForExitAsync();

        Assert.True(lint.ExitCode == 0, output);
        Assert.Contains("Your API description is valid", output, StringComparison.Ordinal);
    }

    private static string FirstDifference(string committed, string served)
    {
        var (a, b) = (committed.Split('\n'), served.Split('\n'));
        var line = Enumerable.Range(0, Math.Max(a.Length, b.Length)).First(i => i >= a.Length || i >= b.Length || a[i] != b[i]);
        return $"openapi.yaml differs from the served document at line {line + 1}:\n" +
               $"- {(line < a.Length ? a[line] : "<end of file>")}\n+ {(line < b.Length ? b[line] : "<end of document>")}\n" +
               "Run scripts/update-openapi.sh if the change is intended.";
    }
}
