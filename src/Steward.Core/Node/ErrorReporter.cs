using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;

namespace Steward.Core.Node;

/// <summary>
/// Sends an error to central's error log as a <c>REQErrorLog</c> message: stored and retried like any other, so an
/// error on a ship that is offline reaches central once the link is back.
/// </summary>
public sealed partial class ErrorReporter(StewardOptions options, TimeProvider time, ILogger logger)
{
    private MessageIntake? _intake;

    internal void Attach(MessageIntake intake) => _intake = intake;

    /// <summary>
    /// Reports <paramref name="text"/> to central (or to <paramref name="toNode"/>), naming the message it concerns;
    /// errors about error reports only go to the log.
    /// </summary>
    public async Task ReportAsync(string text, Message? concerning, string? toNode = null)
    {
        Log.Reporting(logger, options.NodeName, text);
        if (concerning?.Method == Methods.ErrorLog || _intake is null) return;
        var line = string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}, node: {options.NodeName}, {text}");
        if (concerning is not null) line += $" (message {concerning.FromNode}/{concerning.Id})";
        await _intake.AcceptAsync(new Message
        {
            ToNode = toNode ?? options.CentralNodeName,
            Method = Methods.ErrorLog,
            Data = Encoding.UTF8.GetBytes(line),
            PreviousMessage = concerning is null ? null : concerning.Summary(),
        }).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(7001, LogLevel.Warning, "Node {Node} reports to central's error log: {Text}")]
        public static partial void Reporting(ILogger logger, string node, string text);
    }
}
