using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Agent.Tests;

/// <summary>
/// The linux-arm64 Native AOT agent, cross-compiled on this x64 machine, run under qemu-user (Debian's
/// <c>qemu-user-static</c>) against a real broker and gateway: what the cross build gets wrong (the linked SQLite, the
/// embedded libsodium, the signing) shows as a message not answered. qemu emulates the agent only: the commands it
/// starts are this machine's own programs and run natively, so a command's output says nothing of arm64; the hello's
/// <c>arch</c> label, which the agent reads from the (emulated) kernel, does.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class QemuArm64AgentTests(NatsServerFixture broker)
{
    private const string Rid = "linux-arm64";
    private const string Qemu = "/usr/bin/qemu-aarch64-static";
    private const ushort ElfMachineAarch64 = 183;   // EM_AARCH64

    [Fact]
    public async Task Under_qemu_the_arm64_agent_answers_a_signed_command_and_a_ping_and_says_hello_as_linux_arm64()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var binary = Binary();
        Assert.True(File.Exists(Qemu), $"{Qemu} is missing: ./scripts/install-prerequisites.sh installs qemu-user-static");
        Assert.Equal(ElfMachineAarch64, ElfMachine(binary));
        var ship = Names.Next("arm");
        await using var gateway = new GatewayFactory(broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        await using var agent = await HostProcess.StartAsync(Qemu,
            binary, "--node", ship, "--broker", broker.Url, "--data", Directory.CreateTempSubdirectory("steward-arm64-").FullName, "--central", gateway.NodeName);

        var ids = await client.PostMessagesAsync(JsonSerializer.Serialize(new object[]
        {
            new { toNode = ship, method = "REQCliCommand", methodArgs = new[] { "sh", "-c", $"echo answered by {ship}" } },
            new { toNode = ship, method = "REQPing" },
        }), timeout.Token);

        Assert.Equal($"answered by {ship}\n", ReplyOf(await client.ReadEventsUntilFinalAsync(ids[0], timeout.Token)));
        Assert.StartsWith($"pong from {ship} at ", ReplyOf(await client.ReadEventsUntilFinalAsync(ids[1], timeout.Token)), StringComparison.Ordinal);
        await Until.TrueAsync("central stored its hello: linux, arm64", async () =>
            (await client.GetFromJsonAsync<JsonElement>("/nodes", timeout.Token)).EnumerateArray().Any(n =>
                n.GetProperty("name").GetString() == ship && n.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                && labels.GetProperty("os").GetString() == "linux" && labels.GetProperty("arch").GetString() == "arm64"));
        Assert.Equal(0, await agent.StopAsync());
    }

    /// <summary>The arm64 agent, or a failure that says how to build it: a missing binary is never a silent skip.</summary>
    private static string Binary()
    {
        var binary = HostProcess.AotAgentFor(Rid);
        Assert.True(File.Exists(binary), $"the {Rid} agent is not at {binary}; build it with {HostProcess.AotAgentBuildFor(Rid)}");
        return binary;
    }

    /// <summary>The ELF header's e_machine (offset 18, little-endian on both architectures).</summary>
    private static ushort ElfMachine(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        Assert.True(header[..4].SequenceEqual("\u007fELF"u8), $"{path} is not an ELF file");
        return BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
    }

    private static string ReplyOf(IEnumerable<SseEvent> events) => events.Single(e => e.Event == "reply").Field("output");
}
