using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.Core.Telemetry;
using Steward.Core.Trust;

namespace Steward.Core.Node;

/// <summary>
/// Tells central every <c>HelloIntervalSeconds</c> that this node is alive. A hello is published once and not stored:
/// the next one replaces a lost one.
/// </summary>
/// <para>It is signed, presents the node's public key (so a node not yet enrolled shows up on central as pending) and
/// the fingerprint of the key set it holds.</para>
internal sealed class HelloSender(
    StewardOptions options, INatsConnection nats, AuditLog audit, MessageSigner signer, string publicKey, KeyRing keys, StewardMetrics metrics,
    TimeProvider time)
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public async Task RunAsync(CancellationToken stopping)
    {
        var version = typeof(HelloSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        await nats.ConnectAsync().ConfigureAwait(false);   // the first hello as soon as the broker is there
        var labels = Fleet.Labels.Of(Fleet.Labels.Parse(options.Labels, out _) ?? new Dictionary<string, string>(), version);
        using var every = new PeriodicTimer(TimeSpan.FromSeconds(options.HelloIntervalSeconds), time);
        do
        {
            var info = new HelloInfo(
                version, RuntimeInformation.OSDescription, RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), _started,
                publicKey, keys.Version, labels, metrics.Summary());
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var hello = new Message
            {
                Id = now, CreatedAt = now, FromNode = options.NodeName, ToNode = options.CentralNodeName,
                Method = Methods.Hello, Data = JsonSerializer.SerializeToUtf8Bytes(info, StewardJson.Default.HelloInfo),
            };
            if (nats.ConnectionState == NatsConnectionState.Open)
            {
                await nats.PublishAsync(Subjects.For(hello.ToNode, Methods.Hello), signer.Encode(hello),
                    cancellationToken: stopping).ConfigureAwait(false);
                await audit.AppendAsync(AuditEntry.Out, hello, ct: stopping).ConfigureAwait(false);
            }
        }
        while (await every.WaitForNextTickAsync(stopping).ConfigureAwait(false));
    }
}
