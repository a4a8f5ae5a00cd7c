using Steward.Core.State;

namespace Steward.Core.Handlers;

/// <summary>Where a file method may write: inside the node's files folder, also after following every link on the way.</summary>
internal static class SafeFile
{
    /// <summary>Why the path may not be written, or null when it may; creates nothing.</summary>
    public static string? Problem(string filesFolder, string?[] parts)
    {
        var root = Path.GetFullPath(filesFolder);
        var path = Combine(root, parts);
        if (!IsInside(root, path)) return $"path '{path}' is outside the data folder";
        return IsInside(root, FollowLinks(path)) ? null : $"path '{path}' leads outside the data folder through a link";
    }

    /// <summary>The full path, with its folders created; throws <see cref="MessageRejectedException"/> for a path that escapes.</summary>
    public static string Resolve(string filesFolder, string?[] parts)
    {
        if (Problem(filesFolder, parts) is { } before) throw new MessageRejectedException(before);
        var path = Combine(Path.GetFullPath(filesFolder), parts);
        OwnerOnly.CreateFolder(Path.GetDirectoryName(path)!);
        // Again after creating: a link may have appeared in between.
        if (Problem(filesFolder, parts) is { } after) throw new MessageRejectedException(after);
        return path;
    }

    private static string Combine(string root, string?[] parts) =>
        Path.GetFullPath(Path.Combine([root, .. parts.Where(p => !string.IsNullOrEmpty(p)).Cast<string>()]));

    internal static bool IsInside(string root, string path) =>
        path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every link along it followed, as the kernel would when opening it.</summary>
    internal static string FollowLinks(string path)
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
