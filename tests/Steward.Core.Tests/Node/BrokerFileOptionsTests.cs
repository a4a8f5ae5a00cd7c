using Steward.Core.Node;
using Steward.TestSupport;

namespace Steward.Core.Tests.Node;

public sealed class BrokerFileOptionsTests
{
    private static readonly string CentralKey = NATS.NKeys.KeyPair.CreatePair(NATS.NKeys.PrefixByte.User).GetPublicKey();

    private static StewardOptions Options(Action<StewardOptions> set)
    {
        var options = new StewardOptions { NodeName = "ship1" };
        options.TrustedKeys["central"] = CentralKey;
        set(options);
        return options;
    }

    [Fact]
    public void A_named_file_that_does_not_exist_is_one_problem_naming_the_key_and_the_path()
    {
        var problems = Options(o => o.BrokerCaFile = "/nonexistent/ca.pem").Problems();

        Assert.Equal("BrokerCaFile: /nonexistent/ca.pem does not exist", Assert.Single(problems));
    }

    [Fact]
    public void A_client_certificate_without_its_key_is_a_problem()
    {
        var problems = Options(o => o.BrokerCertFile = TestCertificates.Trusted.ClientCert).Problems();

        Assert.Equal("BrokerCertFile: a client certificate needs its key; set BrokerKeyFile too", Assert.Single(problems));
    }

    [Fact]
    public void The_broker_password_is_read_from_the_password_file_and_not_given_twice()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("steward-secret-").FullName, "password");
        File.WriteAllText(file, "s3cret\n");

        var options = Options(o => { o.BrokerUser = "ship1"; o.BrokerPasswordFile = file; });
        Assert.Empty(options.Problems());
        using var key = Steward.Core.Trust.NodeKey.LoadOrCreate(Directory.CreateTempSubdirectory("steward-key-").FullName);
        Assert.Equal("s3cret", BrokerConnection.Options(options, key, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).AuthOpts.Password);

        options.BrokerPassword = "other";
        Assert.Equal("BrokerPasswordFile: BrokerPassword is set too; give the password one way only", Assert.Single(options.Problems()));
    }
}
