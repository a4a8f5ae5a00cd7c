using System.Text.RegularExpressions;
using Steward.TestSupport;

namespace Steward.Core.Tests.Repository;

/// <summary>
/// docker-compose.yml and the Dockerfile agree, checked without a Docker engine (there is none here): Compose accepts
/// the file, every image target it builds is a stage of the Dockerfile, and every Steward image it runs is one it builds.
/// </summary>
public sealed partial class ContainerFilesTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docker-compose.yml"));
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile"));

    [Fact]
    public async Task Compose_accepts_the_file()
    {
        var compose = await ProgramRun.RunAsync("docker-compose", ["config", "-q"], workingDirectory: RepositoryRoot.Path);

        Assert.True(compose.ExitCode == 0, $"docker-compose config -q: {compose.Errors}");
    }

    [Fact]
    public void Every_target_compose_builds_is_a_stage_of_the_Dockerfile_and_every_image_it_runs_is_built()
    {
        var stages = Stage().Matches(Dockerfile).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var targets = Target().Matches(Compose).Select(m => m.Groups[1].Value).ToList();
        var built = BuiltImage().Matches(Compose).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var used = UsedImage().Matches(Compose).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(["agent", "gateway", "setup"], targets.Order());
        Assert.All(targets, target => Assert.Contains(target, stages));
        Assert.Subset(built, used);
    }

    [GeneratedRegex(@"^FROM \S+ AS (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Stage();

    [GeneratedRegex(@"target: (\w+)")]
    private static partial Regex Target();

    /// <summary>An image named on the line after a build.</summary>
    [GeneratedRegex(@"build: \{[^}]*\}\n\s+image: (steward-[\w-]+:local)")]
    private static partial Regex BuiltImage();

    [GeneratedRegex(@"image: (steward-[\w-]+:local)")]
    private static partial Regex UsedImage();
}
