using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Steward.Core.Handlers;

/// <summary>
/// A Windows Job Object holding a command and everything it starts, Windows' process group: terminated whole at
/// <c>methodTimeout</c> or a cancel, and, being kill-on-close, when its handle closes: when the command is over, or when
/// the agent dies. So on Windows nothing a command starts outlives its message, nor the agent.
/// </summary>
/// <remarks>
/// The command is put in the job just after it starts (.NET cannot start a process suspended), so what it starts in
/// that first instant is not in it; <c>Process.Kill(entireProcessTree: true)</c> still reaches such a child while its
/// parent lives.
/// </remarks>
[SupportedOSPlatform("windows")]
internal sealed partial class JobObject : IDisposable
{
    private const int ExtendedLimitInformation = 9;   // JobObjectExtendedLimitInformation
    private const uint KillOnJobClose = 0x2000;        // JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    private readonly nint _handle;

    private JobObject(nint handle) => _handle = handle;

    /// <summary>A new job holding <paramref name="process"/> (which has started).</summary>
    public static unsafe JobObject Holding(Process process)
    {
        var handle = CreateJobObject(0, null);
        if (handle == 0) throw new Win32Exception(Marshal.GetLastPInvokeError(), "CreateJobObject failed");
        var job = new JobObject(handle);
        var limits = new ExtendedLimits { LimitFlags = KillOnJobClose };
        if (!SetInformationJobObject(handle, ExtendedLimitInformation, &limits, (uint)sizeof(ExtendedLimits))
            || (!AssignProcessToJobObject(handle, process.Handle) && !process.HasExited))
        {
            var error = Marshal.GetLastPInvokeError();
            job.Dispose();
            process.Kill(entireProcessTree: true);   // never a command left running that nothing can stop at its timeout
            throw new Win32Exception(error, "cannot put the command in a Job Object");
        }
        return job;
    }

    /// <summary>Ends every process in the job now.</summary>
    public void Terminate() => _ = TerminateJobObject(_handle, 1);

    public void Dispose() => _ = CloseHandle(_handle);

    /// <summary>JOBOBJECT_EXTENDED_LIMIT_INFORMATION (its BASIC_LIMIT_INFORMATION inlined); only LimitFlags is set.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ExtendedLimits
    {
        public long PerProcessUserTimeLimit;
        public long PerJobUserTimeLimit;
        public uint LimitFlags;
        public nuint MinimumWorkingSetSize;
        public nuint MaximumWorkingSetSize;
        public uint ActiveProcessLimit;
        public nuint Affinity;
        public uint PriorityClass;
        public uint SchedulingClass;
        public ulong ReadOperationCount, WriteOperationCount, OtherOperationCount, ReadTransferCount, WriteTransferCount, OtherTransferCount;
        public nuint ProcessMemoryLimit;
        public nuint JobMemoryLimit;
        public nuint PeakProcessMemoryUsed;
        public nuint PeakJobMemoryUsed;
    }

    [LibraryImport("kernel32", EntryPoint = "CreateJobObjectW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    private static partial nint CreateJobObject(nint securityAttributes, string? name);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static unsafe partial bool SetInformationJobObject(nint job, int informationClass, void* information, uint length);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool AssignProcessToJobObject(nint job, nint process);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool TerminateJobObject(nint job, uint exitCode);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(nint handle);
}
