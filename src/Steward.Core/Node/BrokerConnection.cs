using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Steward.Core.Node;

/// <summary>How a node connects to its broker: URLs, credentials, TLS, and (for the NATS client) its name and logger.</summary>
internal static class BrokerConnection
{
    public static NatsOpts Options(StewardOptions options, ILoggerFactory loggers) => NatsOpts.Default with
    {
        Url = options.Broker,
        Name = options.NodeName,
        LoggerFactory = loggers,
        RetryOnInitialConnect = true,
        MaxReconnectRetry = -1,
        AuthOpts = options.BrokerUser is null
            ? NatsAuthOpts.Default
            : NatsAuthOpts.Default with { Username = options.BrokerUser, Password = BrokerFiles.Password(options) },

        // TLS: the CA to trust and the optional client certificate (BrokerFiles).
        TlsOpts = BrokerFiles.Tls(options),
    };
}
