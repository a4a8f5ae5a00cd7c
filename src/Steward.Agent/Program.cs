using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Steward.Agent.Inputs;
using Steward.Core.Node;

namespace Steward.Agent;

/// <summary>The agent host: runs one Steward node on an edge machine.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (StewardCommandLine.WantsHelp(args))
        {
            Console.WriteLine(StewardCommandLine.Help("Steward.Agent", "(required)", ""));
            return 0;
        }
        if (StewardCommandLine.SecretSwitch(args) is { } secret)
        {
            await Console.Error.WriteLineAsync(StewardCommandLine.SecretRefused("Steward.Agent", secret));
            return 2;
        }
        if (StewardCommandLine.UnknownSwitch(args) is { } unknown)
        {
            await Console.Error.WriteLineAsync($"Steward.Agent: unknown switch {unknown}; see --help");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration.AddCommandLine(args, StewardCommandLine.Switches.ToDictionary());
        var options = StewardConfiguration.Read(builder.Configuration, defaultNodeName: "");
        if (StewardCommandLine.WantsPublicKey(args)) return NodeKeyCommand.Print(options);
        if (options.Problems() is [var first, ..])
        {
            await Console.Error.WriteLineAsync($"Steward.Agent: invalid configuration: {first}");
            return 2;
        }

        builder.Services.AddSerilog(log => log.ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}"));
        builder.Services.AddStewardNode(options);
        builder.Services.AddHostedService<StartupFolder>();
        builder.Services.AddHostedService<InboxFolder>();
        builder.Services.AddHostedService<SocketInput>();
        using var host = builder.Build();
        // Read before the host runs: RunAsync disposes the services, and reading them after crashed every clean stop (134).
        var inputs = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        try
        {
            var node = host.Services.GetRequiredService<NodeRuntime>();
            await host.RunAsync();
            if (node.Unusable.IsCompleted) return 2;   // a configuration error the node logged as one line
        }
        catch (StewardStartupException e)
        {
            await Console.Error.WriteLineAsync($"Steward.Agent: {e.Message}");
            return 2;
        }
        // A crashed input stops the host (the .NET default); say so in the exit code, so a service manager restarts it.
        return inputs.Any(s => s.ExecuteTask is { IsFaulted: true }) ? 1 : 0;
    }
}
