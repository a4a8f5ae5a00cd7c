namespace Steward.Core.State;

/// <summary>
/// A node's data is its owner's alone: every folder it creates is 0700 and every file 0600, set when created (not left
/// to the umask), and what an older version left more open is tightened at start. Windows has no modes: there what the
/// node creates inherits the data folder's ACL, which the installer makes the service account's alone.
/// </summary>
internal static class OwnerOnly
{
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit);

    /// <summary>Creates the folder and every missing parent 0700 (.NET's mode applies to the last one only); existing ones are left as they are.</summary>
    public static void CreateFolder(string path)
    {
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!) missing.Push(folder);
        while (missing.TryPop(out var folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, Folder);
        }
    }

    /// <summary>Options for a file opened for writing that is created 0600 when it does not exist.</summary>
    public static FileStreamOptions Write(FileMode mode, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = File;
        return options;
    }

    /// <summary>
    /// Writes a file whole (0600, in a 0700 folder): into a temporary file of its own, flushed to disk, then renamed over
    /// the old one, so a crash or a second writer never leaves half a file.
    /// </summary>
    public static void WriteWhole(string path, Action<Stream> write)
    {
        CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var file = new FileStream(temporary, Write(FileMode.CreateNew, FileShare.None)))
        {
            write(file);
            file.Flush(flushToDisk: true);
        }
        System.IO.File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Creates an empty 0600 file unless it exists (e.g. <c>steward.db</c> before SQLite opens it).</summary>
    public static void CreateFile(string path) => new FileStream(path, Write(FileMode.OpenOrCreate, FileShare.ReadWrite)).Dispose();

    /// <summary>
    /// Creates the data folder 0700, then tightens every folder to 0700 and every file to 0600 beneath it that an older
    /// version (or a wide umask) left readable by others. Links are not followed.
    /// </summary>
    public static void PrepareDataFolder(string dataFolder)
    {
        CreateFolder(dataFolder);
        Tighten(dataFolder, Folder);
        var all = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var entry in new DirectoryInfo(dataFolder).EnumerateFileSystemInfos("*", all))
        {
            if (entry is DirectoryInfo) Tighten(entry.FullName, Folder);
            else if (entry is FileInfo { LinkTarget: null }) Tighten(entry.FullName, File);
        }
    }

    private static void Tighten(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) return;
        var now = System.IO.File.GetUnixFileMode(path);
        if ((now & GroupOrOther) != 0) System.IO.File.SetUnixFileMode(path, now & mode);
    }
}
