using System.Diagnostics;
using Steward.TestSupport;

namespace Steward.Gateway.Tests;

/// <summary>The scripts of tools/browser-test: playwright-core driving Debian's headless Chromium.</summary>
internal static class BrowserScript
{
    /// <summary>Runs a script with node and returns what it printed; fails when it fails.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "tools", "browser-test");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "playwright-core")), $"run 'npm ci' in {folder} (scripts/test.sh does)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync() + await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(node.ExitCode == 0, output);
        return output;
    }
}
