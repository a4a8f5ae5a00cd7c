namespace Steward.Core.Messages;

/// <summary>Rules for the <c>directory</c> and <c>fileName</c> fields: never a way out of the node's data folder.</summary>
public static class SafePath
{
    /// <summary>The longest file or folder name Linux file systems take.</summary>
    public const int MaxNameBytes = 255;

    public static string? Problem(string? path, bool allowSubfolders)
    {
        if (string.IsNullOrEmpty(path)) return null;
        if (path.Contains('\0', StringComparison.Ordinal)) return "must not contain NUL";
        if (Path.IsPathRooted(path) || path.StartsWith('~')) return "must be a relative path";
        var parts = path.Split('/', '\\');
        if (parts.Any(p => p == "..")) return "must not contain '..'";
        if (parts.Any(p => p == ".")) return "must not contain '.' as a folder or file name";
        if (parts.Any(p => System.Text.Encoding.UTF8.GetByteCount(p) > MaxNameBytes)) return $"each part must be at most {MaxNameBytes} bytes";
        if (!allowSubfolders && parts.Length > 1) return "must be a file name without folders";
        return null;
    }
}
