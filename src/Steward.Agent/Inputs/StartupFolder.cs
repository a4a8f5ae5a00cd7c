using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Agent.Inputs;

/// <summary>
/// <c>&lt;data&gt;/startup/</c>: every message there is sent again at each start of the node, e.g. a
/// <c>REQCliCommandCont</c> with <c>methodTimeout: -1</c> that keeps a log tail streaming to central. The files stay.
/// Only regular files up to <c>InputFileMaxBytes</c> are read: a link, a FIFO or a larger file is skipped with a log line,
/// unopened, and the node starts all the same.
/// </summary>
internal sealed partial class StartupFolder(NodeRuntime node, StewardOptions options, ILogger<StartupFolder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(node.Context.DataFolder, "startup");
        OwnerOnly.CreateFolder(folder);
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            InputFile.Outcome read;
            try
            {
                read = await InputFile.ReadAsync(file, options.InputFileMaxBytes, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Invalid(logger, file, $"cannot read the file: {e.Message}");   // the node starts all the same
                continue;
            }
            if (read.Content is not { } content)
            {
                Log.Skipped(logger, file, read.Refusal!);
                continue;
            }
            var input = MessageInput.Parse(content, EntryPoint.NodeInput);
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

        [LoggerMessage(10103, LogLevel.Error, "Startup file {File} is {Reason}: skipped, not sent")]
        public static partial void Skipped(ILogger logger, string file, string reason);
    }
}
