using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>
/// The agent as systemd runs a <c>Type=notify</c> service (scripts/install-agent.sh): systemd hands it a datagram socket
/// in <c>NOTIFY_SOCKET</c> and waits for <c>READY=1</c> before it counts the service as started. .NET's systemd
/// support speaks to it only when its parent process is named <c>systemd</c>; here that parent is coreutils'
/// <c>timeout</c> under the name <c>systemd</c> (a link): it starts the agent, passes it the SIGTERM it gets, as systemd
/// does, and exits with the agent's exit code.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SystemdNotifyTests(NatsServerFixture broker)
{
    [Fact]
    public async Task The_agent_tells_systemd_it_is_ready_and_that_it_is_stopping_and_exits_0()
    {
        var folder = Directory.CreateTempSubdirectory("steward-notify-").FullName;
        var path = Path.Combine(folder, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        var systemd = Path.Combine(folder, "systemd");
        File.CreateSymbolicLink(systemd, "/usr/bin/timeout");
        var start = new ProcessStartInfo(systemd) { ArgumentList = { "0", "dotnet", Path.Combine(AppContext.BaseDirectory, "Steward.Agent.dll"),
            "--node", Names.Next("ship"), "--broker", broker.Url, "--data", Path.Combine(folder, "data") } };
        start.Environment["NOTIFY_SOCKET"] = path;
        TestFleet.EnsureKnown("central");
        start.Environment["Steward__TrustedKeys__central"] = TestFleet.Keys["central"];
        using var service = Process.Start(start)!;
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(socket));

            using (var stop = Process.Start("kill", ["-TERM", service.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await stop.WaitForExitAsync();
            Assert.Equal("STOPPING=1", await ReceiveAsync(socket));
            await service.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(0, service.ExitCode);
        }
        finally
        {
            if (!service.HasExited) service.Kill(entireProcessTree: true);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, length).Trim();
    }
}
