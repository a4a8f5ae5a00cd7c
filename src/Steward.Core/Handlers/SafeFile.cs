namespace Steward.Core.Handlers;

/// <summary>Resolves where a file method writes, refusing any path that would leave the node's files folder.</summary>
internal static class SafeFile
{
    public static string Resolve(string filesFolder, params string?[] parts)
    {
        var root = Path.GetFullPath(filesFolder);
        var path = Path.GetFullPath(Path.Combine([root, .. parts.Where(p => !string.IsNullOrEmpty(p)).Cast<string>()]));
        if (!IsInside(root, path)) throw new MessageRejectedException($"path '{path}' is outside the data folder");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!IsInside(root, FollowLinks(path))) throw new MessageRejectedException($"path '{path}' leads outside the data folder through a link");
        return path;
    }

    private static bool IsInside(string root, string path) =>
        path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every link along it followed, as the kernel would when opening it.</summary>
    private static string FollowLinks(string path)
    {
        var resolved = Path.GetPathRoot(path)!;
        foreach (var part in path[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            resolved = Path.Combine(resolved, part);
            var info = new FileInfo(resolved);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) resolved = target.FullName;
        }
        return resolved;
    }
}
