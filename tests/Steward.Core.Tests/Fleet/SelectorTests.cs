using Steward.Core.Fleet;

namespace Steward.Core.Tests.Fleet;

public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["role"] = "web", ["site"] = "north", ["os"] = "linux" };

    [Theory]
    [InlineData("role=web", true)]
    [InlineData("role==web", true)]
    [InlineData("role=db", false)]
    [InlineData("site!=south", true)]
    [InlineData("site!=north", false)]
    [InlineData("role in (web,db)", true)]
    [InlineData("role in (db, cache)", false)]
    [InlineData("tier notin (test)", true)]
    [InlineData("site notin (north)", false)]
    [InlineData("os", true)]
    [InlineData("!gpu", true)]
    [InlineData("!os", false)]
    [InlineData("role=web, site!=south, os in (linux)", true)]
    [InlineData("role=web,site=south", false)]
    public void A_selector_matches_when_every_requirement_holds(string selector, bool matches)
    {
        Assert.Equal(matches, Selector.Parse(selector, out var problem)!.Matches(Web));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("role=")]
    [InlineData("role in web")]
    [InlineData("role=web,,site=north")]
    [InlineData("ro le=web")]
    [InlineData("role=(web)")]
    public void A_selector_that_cannot_be_read_says_so(string selector)
    {
        Assert.Null(Selector.Parse(selector, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void Configured_labels_are_read_and_the_automatic_ones_are_added_over_them()
    {
        var configured = Labels.Parse("role=web, site=north,os=plan9", out var problem)!;
        var labels = Labels.Of(configured, "1.0.0+eda881b");

        Assert.Null(problem);
        Assert.Equal("web", labels["role"]);
        Assert.Equal("linux", labels["os"]);
        Assert.Equal("1.0.0_eda881b", labels["version"]);
        Assert.Null(Labels.Parse("role", out problem));
        Assert.Null(Labels.Parse("role=web,role=db", out problem));
    }
}
