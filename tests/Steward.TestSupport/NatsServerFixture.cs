using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Steward.TestSupport;

/// <summary>A real nats-server on a free 127.0.0.1 port, started for a test collection and stopped after it.</summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private const string ListeningLine = "Listening for client connections on ";
    private readonly string? _configFile;
    private readonly string? _jetStreamFolder;
    private Process? _server;

    public NatsServerFixture()
    {
    }

    private NatsServerFixture(string? configFile, string? jetStreamFolder = null) => (_configFile, _jetStreamFolder) = (configFile, jetStreamFolder);

    /// <summary>A server started with a configuration file (users, permissions); host and port still come from the fixture.</summary>
    public static NatsServerFixture WithConfig(string configFile) => new(configFile);

    /// <summary>A server with JetStream enabled, storing its streams in <paramref name="storeFolder"/> (for the benchmark).</summary>
    public static NatsServerFixture WithJetStream(string storeFolder) => new(null, storeFolder);

    /// <summary>
    /// A server that takes TLS connections only, with the certificates of <see cref="TestCertificates.Trusted"/>; with
    /// <paramref name="verifyClients"/> it also wants a client certificate signed by that CA (mTLS).
    /// </summary>
    public static NatsServerFixture WithTls(bool verifyClients = false)
    {
        var certs = TestCertificates.Trusted;
        var config = Path.Combine(Directory.CreateTempSubdirectory("steward-nats-").FullName, "tls.conf");
        File.WriteAllText(config, $$"""
            tls {
              cert_file: "{{certs.ServerCert}}"
              key_file: "{{certs.ServerKey}}"
              ca_file: "{{certs.Ca}}"
              verify: {{(verifyClients ? "true" : "false")}}
            }
            """);
        return new NatsServerFixture(config);
    }

    public int Port { get; private set; } = -1;

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>The nats-server process's id while it runs (for the benchmark's RSS figures).</summary>
    public int? ProcessId => _server is { HasExited: false } server ? server.Id : null;

    /// <summary>The same server as a <c>tls://</c> URL, for a server started <see cref="WithTls"/>.</summary>
    public string TlsUrl => $"tls://127.0.0.1:{Port}";

    public Task InitializeAsync() => StartAsync();

    public Task DisposeAsync() => StopAsync();

    /// <summary>Stops and starts the server on the same port, so connected clients reconnect.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port.</summary>
    public Task StartAgainAsync() => StartAsync();

    public async Task StopAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        _server = null;
    }

    private async Task StartAsync()
    {
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        List<string> args = _configFile is null ? [] : ["-c", _configFile];
        if (_jetStreamFolder is not null) args.AddRange(["-js", "-sd", _jetStreamFolder]);
        args.AddRange(["-a", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture)]);
        var start = new ProcessStartInfo("nats-server", args) { RedirectStandardError = true, RedirectStandardOutput = true };
        _server = new Process { StartInfo = start, EnableRaisingEvents = true };
        _server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.Contains(ListeningLine, StringComparison.Ordinal))
                listening.TrySetResult(int.Parse(line[(line.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
        };
        _server.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("nats-server exited before it listened"));
        try
        {
            _server.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("nats-server is not installed: apt-get install -y nats-server", e);
        }
        _server.BeginErrorReadLine();
        _server.BeginOutputReadLine();
        Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }
}
