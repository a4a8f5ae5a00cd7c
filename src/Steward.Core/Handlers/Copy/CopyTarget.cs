using System.Globalization;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Core.Handlers.Copy;

/// <summary>
/// Where <c>REQCopyFileTo</c> may write on this node, by the rules of the other file methods: inside the node's files
/// folder (<c>&lt;data&gt;/data</c>; a relative path is taken from there), or under a folder the node allows
/// (<c>Steward:CopyToPrefixes</c>), also after following every link on the way; never through '..'.
/// </summary>
internal sealed class CopyTarget(NodeContext node, IReadOnlyList<string> prefixes)
{
    /// <summary>Why <paramref name="path"/> may not be written here, or null when it may; creates nothing.</summary>
    public string? Problem(string path)
    {
        var full = Full(path);
        var target = SafeFile.FollowLinks(full);
        string[] allowed = [node.FilesFolder, .. prefixes];
        if (!allowed.Any(root => SafeFile.IsInside(SafeFile.FollowLinks(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar)), target)))
            return $"destination path '{path}' is outside the node's files folder ({node.FilesFolder}) and the allowed prefixes (Steward:CopyToPrefixes)";
        return Directory.Exists(target) ? $"destination path '{path}' is a folder; name the file to write" : null;
    }

    /// <summary>The full path, its folder created (0700); throws <see cref="MessageRejectedException"/> for a path that may not be written.</summary>
    public string Resolve(string path)
    {
        if (Problem(path) is { } before) throw new MessageRejectedException(before);
        var full = Full(path);
        OwnerOnly.CreateFolder(Path.GetDirectoryName(full)!);
        // Again after creating: a link may have appeared in between.
        if (Problem(path) is { } after) throw new MessageRejectedException(after);
        return full;
    }

    /// <summary>
    /// The temporary file a copy is written to, beside its destination (so the last step is a rename in one folder): named
    /// after the sending node and the copy, never after the destination's name, which may be as long as a name can be.
    /// </summary>
    public static string TemporaryFor(string path, string fromNode, long copyId) =>
        Path.Combine(Path.GetDirectoryName(path)!, string.Create(CultureInfo.InvariantCulture, $".steward-copy-{fromNode}-{copyId}.part"));

    /// <summary>The full path, relative ones from the files folder; checks and creates nothing.</summary>
    public string Full(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(node.FilesFolder, path));
}
