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

    /// <summary>
    /// The path with every link along it followed, as the kernel would when opening it: a link's target is followed
    /// again, since it may pass through other links; a loop gives a path that is inside nothing.
    /// </summary>
    internal static string FollowLinks(string path, int depth = 0)
    {
        const string insideNothing = "\0a loop of links";
        if (depth > 40) return insideNothing;   // the kernel's own limit (ELOOP)
        var resolved = Path.GetPathRoot(path)!;
        var parts = path[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            resolved = Path.Combine(resolved, parts[i]);
            if (new FileInfo(resolved).LinkTarget is not { } target) continue;
            var followed = Path.GetFullPath(target, Path.GetDirectoryName(resolved)!);
            return FollowLinks(Path.Combine([followed, .. parts[(i + 1)..]]), depth + 1);
        }
        return resolved;
    }
}
