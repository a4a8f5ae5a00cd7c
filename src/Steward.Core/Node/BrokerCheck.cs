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
    /// <para>A broker that refuses the node's credentials is not given up on (an operator may enrol the node meanwhile),
    /// but <paramref name="refused"/> is told once, so the log says why the node does not connect.</para>
    public static async Task<string?> ProblemAsync(
        NatsOpts opts, StewardOptions options, TimeProvider time, Action<string> refused, CancellationToken stopping)
    {
        var told = false;
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
                    return $"cannot connect to {BrokerUrls.ForLog(options.Broker)}: {problem}";
                }
                catch (NatsException e) when (IsRefused(e))
                {
                    if (!told) refused($"the broker at {BrokerUrls.ForLog(options.Broker)} refused the credentials of node {options.NodeName}: " +
                        "enrol its key on central (POST /nodes/<name>/approve), generate the broker configuration again and reload nats-server");
                    told = true;
                }
                catch (NatsException)
                {
                    // Unreachable: an outage, not a configuration error; the node's own connection retries meanwhile.
                }
            }
            await Task.Delay(opts.ReconnectWaitMin, time, stopping).ConfigureAwait(false);
        }
    }

    private static bool IsRefused(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner.Message.Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase)) return true;
        return false;
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
