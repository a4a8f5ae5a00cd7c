using System.Globalization;

namespace Steward.Bench;

/// <summary>What /proc says about a process: its CPU time, its resident memory now and at its peak.</summary>
internal static class ProcFs
{
    /// <summary>User + system CPU time of a process so far (/proc/pid/stat fields 14 and 15, in clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Resident memory now (VmRSS), in KiB; 0 for a process that is gone.</summary>
    public static long RssKiB(int pid) => Status(pid, "VmRSS:");

    /// <summary>Resident memory now that is the process's own (RssAnon: heaps, stacks, written data), in KiB.</summary>
    public static long AnonymousRssKiB(int pid) => Status(pid, "RssAnon:");

    /// <summary>The most resident memory the process has had (VmHWM), in KiB; 0 for a process that is gone.</summary>
    public static long PeakRssKiB(int pid) => Status(pid, "VmHWM:");

    private static long Status(int pid, string field)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field, StringComparison.Ordinal))
                .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).First();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidOperationException)
        {
            return 0;
        }
    }
}
