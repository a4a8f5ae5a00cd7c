using Steward.Core.Node;

namespace Steward.Core.Tests.Node;

/// <summary>The caps on what a node reads and keeps: a value out of range is one problem naming the key (the host exits 2).</summary>
public sealed class BoundOptionsTests
{
    public static TheoryData<string, Action<StewardOptions>> OutOfRange => new()
    {
        { "HttpGetMaxBytes", o => o.HttpGetMaxBytes = 0 },
        { "HttpGetMaxBytes", o => o.HttpGetMaxBytes = 1L << 40 },
        { "InputFileMaxBytes", o => o.InputFileMaxBytes = 100 },
        { "AuditLogMaxBytes", o => o.AuditLogMaxBytes = 0 },
        { "AuditLogFilesKept", o => o.AuditLogFilesKept = 0 },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void A_cap_out_of_range_is_one_problem_naming_it(string key, Action<StewardOptions> set)
    {
        var options = new StewardOptions { NodeName = "central" };
        set(options);

        Assert.Contains(key, Assert.Single(options.Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_caps_are_fine() => Assert.Empty(new StewardOptions { NodeName = "central" }.Problems());
}
