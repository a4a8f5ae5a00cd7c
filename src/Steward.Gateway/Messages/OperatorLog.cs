namespace Steward.Gateway.Messages;

/// <summary>The gateway's log of who posted what: one line per accepted POST, naming the operator and the message ids.</summary>
internal sealed partial class OperatorLog
{
    private OperatorLog()
    {
    }

    [LoggerMessage(9101, LogLevel.Information, "Operator {Operator} posted message(s) {Ids}")]
    public static partial void Posted(ILogger logger, string? @operator, IReadOnlyList<long> ids);

    [LoggerMessage(9102, LogLevel.Information, "Operator {Operator} cleared the queue: cancelled message(s) {Ids}")]
    public static partial void Cancelled(ILogger logger, string? @operator, IReadOnlyList<long> ids);
}
