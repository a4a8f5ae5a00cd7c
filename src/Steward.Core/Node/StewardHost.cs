using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Steward.Core.Node;

/// <summary>
/// What both hosts do around their own services: the command line (help, secrets refused, unknown switches, the public
/// key), the options check, logging, the node, and the exit code a service manager reads (0 stopped, 1 crashed, 2
/// cannot work as configured).
/// </summary>
public sealed class StewardHost(string name, string defaultNodeName)
{
    /// <summary>Checks the switches before a builder exists: the exit code when the host should stop here, else null.</summary>
    /// <param name="extraHelp">The host's own switches and commands, printed after the shared ones.</param>
    /// <param name="command">A command of the host's own (e.g. <c>operators</c>): its exit code when it is one, else null.</param>
    public int? CheckCommandLine(string[] args, string extraSwitches, string extraHelp = "", Func<string[], int?>? command = null)
    {
        if (StewardCommandLine.WantsHelp(args))
        {
            Console.WriteLine(StewardCommandLine.Help(name, defaultNodeName == "" ? "(required)" : defaultNodeName, extraSwitches));
            if (extraHelp != "") Console.WriteLine(extraHelp);
            return 0;
        }
        if (StewardCommandLine.SecretSwitch(args) is { } secret)
        {
            Console.Error.WriteLine(StewardCommandLine.SecretRefused(name, secret));
            return 2;
        }
        if (command?.Invoke(args) is { } exitCode) return exitCode;
        if (StewardCommandLine.UnknownSwitch(args) is { } unknown)
        {
            Console.Error.WriteLine($"{name}: unknown switch {unknown}; see --help");
            return 2;
        }
        return null;
    }

    /// <summary>
    /// A host builder's settings for <paramref name="args"/>: appsettings.json is read at start and not watched. Watching
    /// it puts an inotify watch on every folder below the working directory (all of <c>/</c> under systemd): the agent
    /// walked the whole tree at start and held megabytes for the watches.
    /// </summary>
    public static HostApplicationBuilderSettings BuilderSettings(string[] args)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        return new HostApplicationBuilderSettings { Args = args, Configuration = configuration };
    }

    /// <summary>
    /// Reads and checks the options, adds logging and the node to <paramref name="builder"/>: the exit code when the host
    /// should stop here (<c>--print-public-key</c>, invalid options), else null.
    /// </summary>
    public int? Configure(IHostApplicationBuilder builder, string[] args, out StewardOptions options)
    {
        builder.Configuration.AddCommandLine(args, StewardCommandLine.Switches.ToDictionary());
        try
        {
            options = StewardConfiguration.Read(builder.Configuration, defaultNodeName);
        }
        catch (InvalidOperationException e)   // a value of the wrong type: the binder names the key and the value
        {
            options = new StewardOptions();
            Console.Error.WriteLine($"{name}: invalid configuration: {e.Message}");
            return 2;
        }
        if (StewardCommandLine.WantsPublicKey(args)) return NodeKeyCommand.Print(options);
        if (options.Problems() is [var first, ..])
        {
            Console.Error.WriteLine($"{name}: invalid configuration: {first}");
            return 2;
        }
        if (LogLevels.Problem(builder.Configuration) is { } levelProblem)
        {
            Console.Error.WriteLine($"{name}: invalid configuration: {levelProblem}");
            return 2;
        }
        var configuration = builder.Configuration;
        // Configured in code: no settings found by reflection (see LogLevels).
        builder.Services.AddSerilog(log => LogLevels.Apply(log, configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}"));
        builder.Services.AddStewardNode(options);
        return null;
    }

    /// <summary>
    /// Runs <paramref name="host"/> until it stops. <paramref name="exitCode"/> gives the code of a host that stopped
    /// normally; read what it needs from the services before calling, since running disposes them.
    /// </summary>
    public async Task<int> RunAsync(IHost host, Func<int>? exitCode = null)
    {
        try
        {
            var node = host.Services.GetRequiredService<NodeRuntime>();
            await host.RunAsync().ConfigureAwait(false);
            if (node.Unusable.IsCompleted) return 2;   // a configuration error the node logged as one line
        }
        catch (StewardStartupException e)
        {
            await Console.Error.WriteLineAsync($"{name}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        return exitCode?.Invoke() ?? 0;
    }
}
