using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Steward.Core.Trust;

namespace Steward.Core.Node;

/// <summary>How a node connects to its broker: URLs, credentials, TLS, and (for the NATS client) its name and logger.</summary>
internal static class BrokerConnection
{
    /// <summary>
    /// The node logs in with its own nkey (or, when configured, a user and password), and its request inboxes live
    /// under <c>_INBOX.&lt;node&gt;</c>, so the broker can let each node hear only its own ACK answers.
    /// </summary>
    public static NatsOpts Options(StewardOptions options, NodeKey key, ILoggerFactory loggers) => NatsOpts.Default with
    {
        Url = BrokerUrls.ForNats(options.Broker),
        // NATS.Net tries a list's servers in random order, which spreads a fleet over a cluster; in order, the first
        // is preferred (a site's own server before the hub's).
        NoRandomize = options.BrokerUrlsInOrder,
        Name = options.NodeName,
        LoggerFactory = loggers,
        RetryOnInitialConnect = true,
        MaxReconnectRetry = -1,
        InboxPrefix = InboxPrefix(options.NodeName),
        AuthOpts = options.BrokerUser is null
            ? NatsAuthOpts.Default with { NKey = key.PublicKey, Seed = key.Seed }
            : NatsAuthOpts.Default with { Username = options.BrokerUser, Password = BrokerFiles.Password(options) },

        // TLS: the CA to trust and the optional client certificate (BrokerFiles).
        TlsOpts = BrokerFiles.Tls(options),
    };

    public static string InboxPrefix(string node) => $"_INBOX.{node}";
}
