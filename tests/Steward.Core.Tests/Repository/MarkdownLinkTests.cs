using System.Text.RegularExpressions;
using Steward.TestSupport;

namespace Steward.Core.Tests.Repository;

/// <summary>Every link in the repository's Markdown files leads to a file, and a heading, inside the repository.</summary>
public sealed partial class MarkdownLinkTests
{
    [Fact]
    public void Every_markdown_link_resolves_inside_the_repository()
    {
        var broken = new List<string>();
        foreach (var file in MarkdownFiles())
            foreach (var target in Links(File.ReadAllText(file)))
                if (Problem(file, target) is { } problem) broken.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file)}: ({target}) {problem}");
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Fact]
    public void The_docs_index_names_every_document_in_docs()
    {
        var index = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "README.md"));
        var linked = Links(index).Select(t => t.Split('#')[0]).ToHashSet(StringComparer.Ordinal);
        var missing = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md").Select(Path.GetFileName)
            .Where(name => name != "README.md" && !linked.Contains(name!)).ToList();
        Assert.True(missing.Count == 0, $"docs/README.md does not link {string.Join(", ", missing)}");
        Assert.Contains("](docs/README.md)", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")), StringComparison.Ordinal);
    }

    private static string? Problem(string file, string target)
    {
        if (UrlScheme().IsMatch(target)) return "points outside the repository";
        var (path, anchor) = target.Split('#', 2) is [var p, var a] ? (p, a) : (target, null);
        var resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
        if (!resolved.StartsWith(RepositoryRoot.Path, StringComparison.Ordinal)) return "points outside the repository";
        if (!File.Exists(resolved) && !Directory.Exists(resolved)) return "no such file";
        if (anchor is null) return null;
        if (!resolved.EndsWith(".md", StringComparison.Ordinal)) return "an anchor into a file that is not Markdown";
        return Headings(File.ReadAllText(resolved)).Contains(anchor) ? null : "no such heading";
    }

    private static IEnumerable<string> MarkdownFiles() =>
        Directory.EnumerateFiles(RepositoryRoot.Path, "*.md", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(RepositoryRoot.Path, f).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or "node_modules" or "var" or "artifacts" || part.StartsWith('.')));

    /// <summary>The targets of <c>[text](target)</c> links outside code blocks and code spans.</summary>
    private static IEnumerable<string> Links(string markdown) =>
        Link().Matches(CodeSpan().Replace(Fence().Replace(markdown, ""), "")).Select(m => m.Groups[1].Value.Trim());

    /// <summary>GitHub's anchors: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Headings(string markdown) =>
        Heading().Matches(Fence().Replace(markdown, "")).Select(m =>
            Regex.Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{Nd}\- _]", "").Replace(' ', '-')).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex UrlScheme();
}
