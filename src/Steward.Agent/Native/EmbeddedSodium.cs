using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Steward.Agent.Native;

/// <summary>
/// libsodium (NSec's ed25519) carried inside the Native AOT agent, so that the agent is one file. Native AOT links static
/// libraries in (SQLite is), but NuGet ships libsodium for Linux only as a shared library, and Debian's static one
/// (1.0.18) is older than NSec accepts. So the AOT publish embeds the packaged <c>libsodium.so</c> and the agent loads it
/// from an anonymous memory file (memfd_create): never written to disk, where something else could take its place. A
/// JIT agent has no such resource and loads <c>libsodium.so</c> from beside it, as before.
/// </summary>
internal static partial class EmbeddedSodium
{
    private const string Library = "libsodium";
    private const string Resource = "libsodium.so";
    private const uint CloseOnExec = 1;   // MFD_CLOEXEC: no command the agent starts inherits it

    private static readonly Lazy<nint> Loaded = new(Load);

    /// <summary>Answers NSec's first call into libsodium with the embedded library; call before any signing or verifying.</summary>
    public static void Use()
    {
        // Only the Linux AOT builds carry it; the macOS and Windows builds bundle the packaged library beside their IL.
        if (OperatingSystem.IsLinux())
            NativeLibrary.SetDllImportResolver(typeof(NSec.Cryptography.Key).Assembly, (name, _, _) => name == Library ? Loaded.Value : 0);
    }

    /// <summary>The embedded library, loaded; 0 (load it the usual way) when this build has none.</summary>
    private static nint Load()
    {
        using var embedded = typeof(EmbeddedSodium).Assembly.GetManifestResourceStream(Resource);
        if (embedded is null) return 0;
        var fd = MemoryFile(Library, CloseOnExec);
        if (fd < 0) throw new IOException($"memfd_create failed: errno {Marshal.GetLastPInvokeError()}");
        using var file = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write);
        embedded.CopyTo(file);
        file.Flush();
        return NativeLibrary.Load($"/proc/self/fd/{fd}");   // the mapping outlives the file descriptor
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MemoryFile(string name, uint flags);
}
