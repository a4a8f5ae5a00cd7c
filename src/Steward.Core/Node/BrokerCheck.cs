using System.Security.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace Steward.Core.Node;

/// <summary>
/// Tells a broker that is down from one this node can never reach as configured. NATS.Net, connecting with
/// <c>RetryOnInitialConnect</c>, retries a failed TLS handshake forever and reports nothing; so before the node's own
/// connection, a throwaway connection without retry dials the broker. A TLS failure is a configuration error; a broker
/// that does not answer is an outage, and the check dials again until it answers.
/// </summary>
internal static class BrokerCheck
{
    /// <summary>Why the node cannot connect to its broker as configured, or null once the broker accepted a connection.</summary>
    public static async Task<string?> ProblemAsync(NatsOpts opts, StewardOptions options, TimeProvider time, CancellationToken stopping)
    {
        while (true)
        {
            var probe = new NatsConnection(opts with { RetryOnInitialConnect = false, MaxReconnectRetry = 0, LoggerFactory = NullLoggerFactory.Instance });
            await using (probe.ConfigureAwait(false))
            {
                try
                {
                    await probe.ConnectAsync().ConfigureAwait(false);
                    return null;
                }
                catch (NatsException e) when (TlsProblem(e, options) is { } problem)
                {
                    return $"cannot connect to {options.Broker}: {problem}";
                }
                catch (NatsException)
                {
                    // Unreachable: an outage, not a configuration error; the node's own connection retries meanwhile.
                }
            }
            await Task.Delay(opts.ReconnectWaitMin, time, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>What went wrong with TLS, from NATS.Net's exception chain; null when it was not TLS.</summary>
    private static string? TlsProblem(Exception e, StewardOptions options)
    {
        var chain = new List<Exception>();
        for (Exception? inner = e; inner is not null; inner = inner.InnerException) chain.Add(inner);
        if (chain.OfType<AuthenticationException>().Any())
            return string.IsNullOrWhiteSpace(options.BrokerCaFile)
                ? "the broker's certificate is not trusted by this machine's CA store (set BrokerCaFile)"
                : $"the broker's certificate is not trusted by {Path.GetFullPath(options.BrokerCaFile)}";
        if (chain.Any(x => x.Message.Contains("does not support TLS", StringComparison.Ordinal)))
            return "the broker does not offer TLS (use a nats:// URL, or enable tls on the broker)";
        if (chain.Any(x => x.Message.Contains("requires TLS", StringComparison.Ordinal)))
            return "the broker requires TLS";
        // The broker verifies clients (mTLS) and refused this node's certificate, or that it sent none: a TLS alert.
        if (chain.Any(x => x.Message.Contains("alert", StringComparison.Ordinal) && x.Message.Contains("certificate", StringComparison.Ordinal)))
            return string.IsNullOrWhiteSpace(options.BrokerCertFile)
                ? "the broker requires a client certificate (set BrokerCertFile and BrokerKeyFile)"
                : $"the broker refused the client certificate {Path.GetFullPath(options.BrokerCertFile)}";
        return null;
    }
}
