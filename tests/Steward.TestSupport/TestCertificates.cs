using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace Steward.TestSupport;

/// <summary>
/// Certificates made once per test run by <c>scripts/make-certs.sh</c>, as an operator makes them: <see cref="Trusted"/>
/// is the set the TLS brokers use; <see cref="Other"/> is a second CA that signed none of them.
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<CertificateSet> TrustedSet = new(() => Make("trusted"));
    private static readonly Lazy<CertificateSet> OtherSet = new(() => Make("other"));

    public static CertificateSet Trusted => TrustedSet.Value;
    public static CertificateSet Other => OtherSet.Value;

    /// <summary>One folder made by make-certs.sh.</summary>
    public sealed record CertificateSet(string Folder)
    {
        public string Ca => Path.Combine(Folder, "ca.pem");
        public string ServerCert => Path.Combine(Folder, "server.pem");
        public string ServerKey => Path.Combine(Folder, "server-key.pem");
        public string ClientCert => Path.Combine(Folder, "client.pem");
        public string ClientKey => Path.Combine(Folder, "client-key.pem");

        /// <summary>An HttpClient handler that trusts this CA alone.</summary>
        public HttpClientHandler TrustingHandler()
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Ca));
            return new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(certificate);
                },
            };
        }
    }

    private static CertificateSet Make(string name)
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("steward-certs-").FullName, name);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(RepositoryRoot.Path, "scripts", "make-certs.sh"), folder }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"make-certs.sh failed: {errors}{output.Result}");
        return new CertificateSet(folder);
    }
}
