using NATS.Client.Core;

namespace Steward.Core.Node;

/// <summary>
/// The files a node's broker connection reads: the CA it trusts, its client certificate and key (mTLS), and its
/// password. Secrets come from files or the environment, never from a command-line switch.
/// </summary>
internal static class BrokerFiles
{
    /// <summary>NATS.Net's own TLS options: a <c>tls://</c> URL requires TLS, a <c>nats://</c> one upgrades when the broker asks.</summary>
    public static NatsTlsOpts Tls(StewardOptions options) => NatsTlsOpts.Default with
    {
        CaFile = Blank(options.BrokerCaFile),
        CertFile = Blank(options.BrokerCertFile),
        KeyFile = Blank(options.BrokerKeyFile),
    };

    /// <summary>The broker password: <see cref="StewardOptions.BrokerPasswordFile"/>'s first line, else <see cref="StewardOptions.BrokerPassword"/>.</summary>
    public static string? Password(StewardOptions options) => Blank(options.BrokerPasswordFile) is { } file
        ? File.ReadLines(file).FirstOrDefault()?.TrimEnd('\r')
        : options.BrokerPassword;

    /// <summary>One readable line per problem: a named file that does not exist, a certificate without its key.</summary>
    public static IEnumerable<string> Problems(StewardOptions options)
    {
        foreach (var (key, path) in new[]
        {
            (nameof(StewardOptions.BrokerCaFile), options.BrokerCaFile), (nameof(StewardOptions.BrokerCertFile), options.BrokerCertFile),
            (nameof(StewardOptions.BrokerKeyFile), options.BrokerKeyFile), (nameof(StewardOptions.BrokerPasswordFile), options.BrokerPasswordFile),
        })
            if (Blank(path) is { } file && !File.Exists(file)) yield return $"{key}: {Path.GetFullPath(file)} does not exist";
        if (Blank(options.BrokerCertFile) is not null && Blank(options.BrokerKeyFile) is null)
            yield return "BrokerCertFile: a client certificate needs its key; set BrokerKeyFile too";
        if (Blank(options.BrokerKeyFile) is not null && Blank(options.BrokerCertFile) is null)
            yield return "BrokerKeyFile: a client key needs its certificate; set BrokerCertFile too";
        if (Blank(options.BrokerPasswordFile) is not null && options.BrokerPassword is not null)
            yield return "BrokerPasswordFile: BrokerPassword is set too; give the password one way only";
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
