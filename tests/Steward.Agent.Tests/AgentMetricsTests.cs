using System.Net;
using System.Net.Sockets;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>The agent's optional <c>/metrics</c> (<c>Steward:MetricsPort</c>), scraped as Prometheus would, on a real agent process.</summary>
[Collection(BrokerCollection.Name)]
public sealed class AgentMetricsTests(NatsServerFixture broker)
{
    [Fact]
    public async Task With_a_metrics_port_the_agent_serves_its_counts_on_the_machine_only()
    {
        var ship = Names.Next("ship");
        var port = FreePort.Next();
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        await using var agent = await HostProcess.StartAsync(HostProcess.Agent, "--node", ship, "--broker", broker.Url,
            "--data", Directory.CreateTempSubdirectory("steward-agent-").FullName, "--central", gateway.NodeName, $"--Steward:MetricsPort={port}");

        var id = (await client.PostMessagesAsync($$"""{"toNode":"{{ship}}","method":"REQCliCommand","methodArgs":["true"]}"""))[0];
        await Until.TrueAsync("the command is done", async () => await client.StateOfAsync(id) == "done", TimeSpan.FromSeconds(30));

        using var scraper = new HttpClient();
        // The agent's reply ends done on the agent once central ACKs it: its own count.
        await Until.TrueAsync("the agent counts its reply done", async () =>
            (await PrometheusText.ParseAsync(await scraper.GetStringAsync($"http://127.0.0.1:{port}/metrics")))
                .Value("steward_messages_final_total", "method=REQToFileAppend", "state=done") == 1, TimeSpan.FromSeconds(30));
        Assert.False(CanConnect(OtherAddressOfThisMachine(), port), "the metrics port listens on 127.0.0.1 unless told otherwise");
    }

    [Fact]
    public async Task With_the_metrics_address_0_0_0_0_the_port_is_reached_on_every_interface()
    {
        var port = FreePort.Next();
        await using var agent = await HostProcess.StartAsync(HostProcess.Agent, "--node", Names.Next("ship"), "--broker", broker.Url,
            "--data", Directory.CreateTempSubdirectory("steward-agent-").FullName, "--central", Names.Next("central"),
            $"--Steward:MetricsPort={port}", "--Steward:MetricsAddress=0.0.0.0");

        using var scraper = new HttpClient();
        // The port opens once the node runs, just after the host says it started.
        var text = await Until.ValueAsync("the port answers on an address other than loopback's", async () =>
        {
            try
            {
                return await scraper.GetStringAsync($"http://{OtherAddressOfThisMachine()}:{port}/metrics");
            }
            catch (HttpRequestException)
            {
                return null;
            }
        });

        Assert.Contains("# TYPE dotnet_", text, StringComparison.Ordinal);   // the runtime's, there before any message
        Assert.Contains($"service_instance_id=\"{agent.NodeName}\"", text, StringComparison.Ordinal);   // target_info names the node
        Assert.DoesNotContain("MetricsPort", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metrics_port_already_in_use_is_one_clear_line_and_the_agent_runs_on()
    {
        var ship = Names.Next("ship");
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        await using var agent = await HostProcess.StartAsync(HostProcess.Agent, "--node", ship, "--broker", broker.Url,
            "--data", Directory.CreateTempSubdirectory("steward-agent-").FullName, "--central", gateway.NodeName, $"--Steward:MetricsPort={port}");

        // The metrics are the agent's extra: without its port it still runs what central sends it.
        var id = (await client.PostMessagesAsync($$"""{"toNode":"{{ship}}","method":"REQCliCommand","methodArgs":["true"]}"""))[0];
        await Until.TrueAsync("the command is done", async () => await client.StateOfAsync(id) == "done", TimeSpan.FromSeconds(30));
        Assert.Contains(agent.Output.Split('\n'), line => line.Contains("MetricsPort", StringComparison.Ordinal) && line.Contains($"127.0.0.1:{port}", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", agent.Output, StringComparison.Ordinal);
    }

    /// <summary>An address of this machine that is not loopback, or loopback's other one when it has none.</summary>
    private static IPAddress OtherAddressOfThisMachine() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Parse("127.0.0.2");

    private static bool CanConnect(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(address, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
