using System.Runtime.InteropServices;

namespace Steward.Core.Handlers;

/// <summary>
/// What a directory entry is, asked of the kernel: .NET tells no FIFO from a file (no public file-type API yet), and
/// opening a FIFO waits for a writer forever, while reading a device (/dev/zero) never ends.
/// </summary>
internal static partial class FileKind
{
    /// <summary>What the entry is when it is not a regular file ("a FIFO"), or null for a regular file.</summary>
    /// <param name="followLinks">Whether a link is judged by what it leads to, or is itself "a symbolic link".</param>
    public static string? NotRegular(string path, bool followLinks)
    {
        // statx's buffer has the same layout on every architecture, unlike struct stat's.
        if (StatX(AtCurrentFolder, path, followLinks ? 0 : AtSymlinkNoFollow, StatXType, out var status) != 0)
            throw new IOException($"cannot stat {path}: errno {Marshal.GetLastPInvokeError()}");
        return (status.Mode & TypeMask) switch
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

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(int folder, string path, int flags, uint mask, out StatXBuffer status);
}
