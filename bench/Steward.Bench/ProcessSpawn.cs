using System.Diagnostics;

namespace Steward.Bench;

/// <summary>(p) The floor under any command a node runs: start <c>/bin/echo hi</c>, read its output to the end, wait for its exit.</summary>
internal static class ProcessSpawn
{
    public static async Task EchoAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/echo", "hi") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (output != "hi\n") throw new InvalidOperationException($"echo wrote '{output}'");
    }
}
