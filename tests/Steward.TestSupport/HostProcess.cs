using System.Diagnostics;
using System.Text;

namespace Steward.TestSupport;

/// <summary>
/// A Steward host as a real process, as an operator runs it: <c>dotnet Steward.Agent.dll ...</c> for a host named by its
/// assembly (in the test's folder) or given as the path of its <c>.dll</c>, or a native executable given by its path
/// (<see cref="AotAgent"/>).
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(string host, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? folder = null)
    {
        var native = Path.IsPathRooted(host) && !host.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(native ? host : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!native) start.ArgumentList.Add(Path.IsPathRooted(host) ? host : Path.Combine(AppContext.BaseDirectory, $"{host}.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (folder is not null) start.WorkingDirectory = folder;
        // A host in the test fleet: its key is enrolled with the in-process nodes, and it trusts every key known now.
        else if (ValueOf(args, "--data") is { } data)
        {
            var name = ValueOf(args, "--node") ?? (host == Gateway ? "central" : "");
            TestFleet.EnrollFolder(name, data);
            TestFleet.EnsureKnown(ValueOf(args, "--central") ?? "central");
            foreach (var (node, key) in TestFleet.Keys)
                if (node != name) start.Environment[$"Steward__TrustedKeys__{node}"] = key;
        }
        foreach (var (name, value) in environment) start.Environment[name] = value;   // the test's own settings win
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Exited += (_, _) => _started.TrySetException(new InvalidOperationException($"the host exited: {Output}"));
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public int Id => _process.Id;

    /// <summary>The node name given with --node, for tests that need it.</summary>
    public string NodeName => _process.StartInfo.ArgumentList.SkipWhile(a => a != "--node").Skip(1).FirstOrDefault() ?? "";

    public const string Agent = "Steward.Agent";
    public const string Gateway = "Steward.Gateway";

    /// <summary>The Native AOT agent, one file, where <c>./scripts/test.sh</c> publishes it before the tests.</summary>
    public static string AotAgent { get; } = AotAgentFor("linux-x64");

    /// <summary>How to make <see cref="AotAgent"/>, for a test that does not find it.</summary>
    public static string AotAgentBuild { get; } = AotAgentBuildFor("linux-x64");

    /// <summary>The Native AOT agent for <paramref name="rid"/>, where <c>./scripts/test.sh</c> publishes it.</summary>
    public static string AotAgentFor(string rid) => Path.Combine(RepositoryRoot.Path, "artifacts", $"agent-{rid}", "Steward.Agent");

    /// <summary>How to make <see cref="AotAgentFor"/>'s agent, for a test that does not find it.</summary>
    public static string AotAgentBuildFor(string rid) =>
        $"dotnet publish src/Steward.Agent -c Release -r {rid} -o artifacts/agent-{rid} (./scripts/test.sh does)";

    /// <summary>Starts the host and returns once it logs that its node has started.</summary>
    public static Task<HostProcess> StartAsync(string host, params string[] args) => StartAsync(host, new Dictionary<string, string>(), args);

    /// <summary>
    /// Starts the host with more environment variables, e.g. <c>Steward__ApiToken</c>: secrets never go on a command line.
    /// </summary>
    public static async Task<HostProcess> StartAsync(string host, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var process = Launch(host, args, environment);
        return await process.WaitUntilStartedAsync(host, args);
    }

    private async Task<HostProcess> WaitUntilStartedAsync(string host, string[] args)
    {
        try
        {
            await _started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            if (args.SkipWhile(a => a != "--urls").Skip(1).FirstOrDefault() is { } url) await WaitUntilListeningAsync(url);
            return this;
        }
        catch (TimeoutException e)
        {
            await DisposeAsync();   // never leave a half-started host running
            throw new TimeoutException($"{host} did not start ({e.Message}); its output:\n{Output}", e);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the host as a container image does: in <paramref name="folder"/>, outside the test fleet, so that it knows
    /// only what that folder's appsettings.json and <paramref name="args"/> tell it.
    /// </summary>
    public static async Task<HostProcess> StartInFolderAsync(string host, string folder, params string[] args)
    {
        var process = new HostProcess(host, args, new Dictionary<string, string>(), folder);
        process._process.Start();
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return await process.WaitUntilStartedAsync(host, args);
    }

    /// <summary>The node may be up before the web server listens: wait until it answers at all.</summary>
    private static async Task WaitUntilListeningAsync(string url)
    {
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        await Until.TrueAsync($"{url} answers", async () =>
        {
            try
            {
                using var response = await client.GetAsync("/healthz");
                return true;
            }
            catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
            {
                return true;   // an https URL: it answered the TLS handshake; the test checks the certificate itself
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });
    }

    /// <summary>Starts the host without waiting for its node: for a host that cannot start, to read what it says.</summary>
    public static HostProcess Launch(string host, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Launch(host, args, environment);

    /// <summary>Starts the host and waits for it to exit by itself: for --help and bad configuration.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(string host, params string[] args) =>
        RunToExitAsync(host, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="RunToExitAsync(string, string[])"/>, with more environment variables.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string host, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var process = Launch(host, args, environment);
        await process._process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process._process.WaitForExit();   // flushes the redirected output
        return (process._process.ExitCode, process.Output);
    }

    private static string? ValueOf(IEnumerable<string> args, string option) => args.SkipWhile(a => a != option).Skip(1).FirstOrDefault();

    private static HostProcess Launch(string host, string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var process = new HostProcess(host, args, environment);
        process._process.Start();
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains(" started: broker ", StringComparison.Ordinal)) _started.TrySetResult();
    }

    /// <summary>SIGTERM, as a service manager stops a host, and the exit code it ends with.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to clean up, as when power is lost.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// SIGKILL to the host's own process only, as <c>kill -9 &lt;pid&gt;</c> or the OOM killer does: the commands it started
    /// lead process groups of their own and keep running.
    /// </summary>
    public async Task KillAloneAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
