using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steward.Agent.Inputs;
using Steward.Agent.Native;
using Steward.Core.Node;
using Steward.Core.Telemetry;

namespace Steward.Agent;

/// <summary>The agent host: runs one Steward node on an edge machine, with its local inputs.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        EmbeddedSodium.Use();
        var host = new StewardHost("Steward.Agent", defaultNodeName: "");
        if (host.CheckCommandLine(args, extraSwitches: "") is { } stop) return stop;

        var builder = Host.CreateApplicationBuilder(StewardHost.BuilderSettings(args));
        if (host.Configure(builder, args, out var options) is { } stopped) return stopped;
        if (AgentTelemetry.Problem(options) is { } problem)
        {
            Console.Error.WriteLine($"Steward.Agent: {problem}");
            return 2;
        }
        if (AgentTelemetry.IsBuiltIn)
        {
            builder.AddStewardTracing(options);
            builder.Services.AddAgentMetrics(options);
        }
        builder.Services.AddSystemd();   // nothing changes unless systemd started the agent (NOTIFY_SOCKET)
        builder.Services.AddHostedService<StartupFolder>();
        builder.Services.AddHostedService<InboxFolder>();
        builder.Services.AddHostedService<SocketInput>();
        using var app = builder.Build();
        var inputs = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        // Once the node listens, a compacting collection gives back what starting took (configuration, services, the first
        // connect): an idle agent allocates too little to trigger one for hours, and would hold those megabytes meanwhile.
        _ = app.Services.GetRequiredService<NodeRuntime>().Receiving.ContinueWith(
            _ => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true), TaskScheduler.Default);
        // A crashed input stops the host (the .NET default); say so in the exit code, so a service manager restarts it.
        return await host.RunAsync(app, () => inputs.Any(s => s.ExecuteTask is { IsFaulted: true }) ? 1 : 0);
    }
}
