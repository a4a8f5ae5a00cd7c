using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Steward.Core.Handlers;

/// <summary>
/// What a directory entry is, asked of the kernel: .NET tells no FIFO from a file (no public file-type API yet), and
/// opening a FIFO waits for a writer forever, while reading a device (/dev/zero) never ends. Linux: statx(2); macOS:
/// lstat(2)/stat(2); Windows, which has no FIFOs or devices among files, from the file's attributes.
/// </summary>
internal static partial class FileKind
{
    /// <summary>What the entry is when it is not a regular file ("a FIFO"), or null for a regular file.</summary>
    /// <param name="followLinks">Whether a link is judged by what it leads to, or is itself "a symbolic link".</param>
    public static string? NotRegular(string path, bool followLinks)
    {
        if (OperatingSystem.IsWindows()) return FromAttributes(path, followLinks);
        var mode = OperatingSystem.IsMacOS() ? MacMode(path, followLinks) : LinuxMode(path, followLinks);
        return (mode & TypeMask) switch
        {
            Regular => null,
            Fifo => "a FIFO",
            Link => "a symbolic link",
            Socket => "a socket",
            CharacterDevice or BlockDevice => "a device",
            Folder => "a folder",
            _ => "of an unknown type",
        };
    }

    // statx's buffer has the same layout on every architecture, unlike struct stat's.
    private static ushort LinuxMode(string path, bool followLinks) =>
        StatX(AtCurrentFolder, path, followLinks ? 0 : AtSymlinkNoFollow, StatXType, out var status) == 0 ? status.Mode : throw CannotStat(path);

    private static ushort MacMode(string path, bool followLinks) =>
        (followLinks ? MacStat(path, out var status) : MacLStat(path, out status)) == 0 ? status.Mode : throw CannotStat(path);

    [SupportedOSPlatform("windows")]
    private static string? FromAttributes(string path, bool followLinks)
    {
        FileSystemInfo entry = new FileInfo(path);
        if (!entry.Exists && !Directory.Exists(path)) throw new FileNotFoundException($"cannot stat {path}: it does not exist", path);
        if (followLinks && entry.LinkTarget is not null) entry = entry.ResolveLinkTarget(returnFinalTarget: true) ?? entry;
        return entry.Attributes switch
        {
            var a when a.HasFlag(FileAttributes.Directory) => "a folder",
            var a when a.HasFlag(FileAttributes.ReparsePoint) => "a symbolic link",
            var a when a.HasFlag(FileAttributes.Device) => "a device",
            _ => null,
        };
    }

    private static IOException CannotStat(string path) => new($"cannot stat {path}: errno {Marshal.GetLastPInvokeError()}");

    private const int AtCurrentFolder = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatXType = 0x1;
    private const ushort TypeMask = 0xF000, Fifo = 0x1000, CharacterDevice = 0x2000, Folder = 0x4000, BlockDevice = 0x6000,
        Regular = 0x8000, Link = 0xA000, Socket = 0xC000;

    /// <summary>The start of <c>struct statx</c> (256 bytes); only <c>stx_mode</c> is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatXBuffer
    {
        [FieldOffset(28)] public ushort Mode;
    }

    /// <summary>macOS's <c>struct stat</c> (144 bytes, 64-bit inodes: the only one on arm64); only <c>st_mode</c> is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct MacStatBuffer
    {
        [FieldOffset(4)] public ushort Mode;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(int folder, string path, int flags, uint mask, out StatXBuffer status);

    // On arm64 macOS these names are the 64-bit-inode calls (x64 macOS would need stat$INODE64; no x64 build is made).
    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MacStat(string path, out MacStatBuffer status);

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MacLStat(string path, out MacStatBuffer status);
}
