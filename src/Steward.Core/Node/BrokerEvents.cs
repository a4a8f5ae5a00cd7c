using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Steward.Core.Node;

/// <summary>
/// Logs a node's broker connection the way an operator follows a cluster or a site: which server it connected to,
/// which one it lost, and which one it reconnected to after how long.
/// </summary>
internal sealed partial class BrokerEvents
{
    private readonly string _node;
    private readonly NatsConnection _nats;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private long? _lostAt;

    private BrokerEvents(string node, NatsConnection nats, TimeProvider time, ILogger logger) =>
        (_node, _nats, _time, _logger) = (node, nats, time, logger);

    /// <summary>Logs <paramref name="nats"/>'s connects, losses and failed reconnects from now on.</summary>
    public static void Follow(NatsConnection nats, string node, TimeProvider time, ILogger logger)
    {
        var events = new BrokerEvents(node, nats, time, logger);
        nats.ConnectionOpened += events.OpenedAsync;
        nats.ConnectionDisconnected += events.DisconnectedAsync;
        nats.ReconnectFailed += events.ReconnectFailedAsync;
    }

    // NATS.Net's event arguments carry the server's URL (without a password) as their message.
    private ValueTask OpenedAsync(object? sender, NatsEventArgs e)
    {
        long? lostAt;
        lock (_gate) (lostAt, _lostAt) = (_lostAt, null);
        var name = _nats.ServerInfo?.Name ?? "?";
        if (lostAt is { } since) Log.Reconnected(_logger, _node, e.Message, name, _time.GetElapsedTime(since).TotalSeconds);
        else Log.Connected(_logger, _node, e.Message, name);
        return ValueTask.CompletedTask;
    }

    private ValueTask DisconnectedAsync(object? sender, NatsEventArgs e)
    {
        lock (_gate) _lostAt ??= _time.GetTimestamp();
        Log.Lost(_logger, _node, e.Message);
        return ValueTask.CompletedTask;
    }

    private ValueTask ReconnectFailedAsync(object? sender, NatsEventArgs e)
    {
        Log.ReconnectFailed(_logger, _node, e.Message);
        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(6101, LogLevel.Information, "Node {Node} connected to broker {Url} (server {Server})")]
        public static partial void Connected(ILogger logger, string node, string url, string server);

        [LoggerMessage(6102, LogLevel.Warning, "Node {Node} lost broker {Url}; reconnecting")]
        public static partial void Lost(ILogger logger, string node, string url);

        [LoggerMessage(6103, LogLevel.Information, "Node {Node} reconnected to broker {Url} (server {Server}) after {Seconds:0.0} s")]
        public static partial void Reconnected(ILogger logger, string node, string url, string server, double seconds);

        [LoggerMessage(6104, LogLevel.Debug, "Node {Node} could not reconnect to broker {Url}; trying the next server")]
        public static partial void ReconnectFailed(ILogger logger, string node, string url);
    }
}
