using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using NATS.Client.Core;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Node;

/// <summary>
/// Tells central every <c>HelloIntervalSeconds</c> that this node is alive. A hello is published once and not stored:
/// the next one replaces a lost one.
/// </summary>
internal sealed class HelloSender(StewardOptions options, INatsConnection nats, AuditLog audit, TimeProvider time)
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public async Task RunAsync(CancellationToken stopping)
    {
        var info = new HelloInfo(
            typeof(HelloSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            RuntimeInformation.OSDescription, RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), _started);
        await nats.ConnectAsync().ConfigureAwait(false);   // the first hello as soon as the broker is there
        using var every = new PeriodicTimer(TimeSpan.FromSeconds(options.HelloIntervalSeconds), time);
        do
        {
            var hello = new Message
            {
                Id = time.GetUtcNow().ToUnixTimeMilliseconds(), FromNode = options.NodeName, ToNode = options.CentralNodeName,
                Method = Methods.Hello, Data = JsonSerializer.SerializeToUtf8Bytes(info, StewardJson.Default.HelloInfo),
            };
            if (nats.ConnectionState == NatsConnectionState.Open)
            {
                await nats.PublishAsync(Subjects.For(hello.ToNode, Methods.Hello), JsonSerializer.SerializeToUtf8Bytes(hello, StewardJson.Default.Message),
                    cancellationToken: stopping).ConfigureAwait(false);
                await audit.AppendAsync(AuditEntry.Out, hello).ConfigureAwait(false);
            }
        }
        while (await every.WaitForNextTickAsync(stopping).ConfigureAwait(false));
    }
}
