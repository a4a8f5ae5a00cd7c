using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Agent.Inputs;

/// <summary>
/// <c>&lt;data&gt;/startup/</c>: every message there is sent again at each start of the node, e.g. a
/// <c>REQCliCommandCont</c> with <c>methodTimeout: -1</c> that keeps a log tail streaming to central. The files stay.
/// </summary>
internal sealed partial class StartupFolder(NodeRuntime node, ILogger<StartupFolder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(node.Context.DataFolder, "startup");
        OwnerOnly.CreateFolder(folder);
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            MessageInput.Parsed input;
            try
            {
                input = MessageInput.Parse(await File.ReadAllBytesAsync(file, cancellationToken));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Invalid(logger, file, $"cannot read the file: {e.Message}");   // the node starts all the same
                continue;
            }
            if (input.Errors.Count > 0)
            {
                Log.Invalid(logger, file, input.Summary);
                continue;
            }
            Log.Started(logger, file, string.Join(",", await node.Outbox.AcceptAsync(input.Messages)));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(10101, LogLevel.Information, "Startup message(s) {File} sent as {Ids}")]
        public static partial void Started(ILogger logger, string file, string ids);

        [LoggerMessage(10102, LogLevel.Error, "Startup file {File} is not valid and was not sent: {Problems}")]
        public static partial void Invalid(ILogger logger, string file, string problems);
    }
}
