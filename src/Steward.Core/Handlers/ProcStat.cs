using System.Globalization;

namespace Steward.Core.Handlers;

/// <summary>
/// What <c>/proc/&lt;pid&gt;/stat</c> says of a process (Linux): its state, its process group, and when it started, in
/// clock ticks since boot. Read from /proc because .NET exposes neither a process's group nor an exact start time.
/// macOS and Windows have no /proc: there no process is found, so a command that outlived a crashed node is not
/// recognised after its restart (on Windows its Job Object ended it with the node; on macOS it is left running).
/// </summary>
internal readonly record struct ProcStat(int Pid, char State, int Group, long StartTicks)
{
    public bool IsZombie => State is 'Z' or 'X';

    /// <summary>Identifies this boot: start ticks of two processes compare only within one boot.</summary>
    public static string BootId { get; } = ReadText("/proc/sys/kernel/random/boot_id")?.Trim() ?? "";

    /// <summary>The process <paramref name="pid"/>, or null when there is none (it exited and was reaped).</summary>
    public static ProcStat? Read(int pid) => Parse(pid, ReadText($"/proc/{pid}/stat"));

    /// <summary>Every process this node can see.</summary>
    public static IEnumerable<ProcStat> All() => !OperatingSystem.IsLinux() ? [] :
        Directory.EnumerateDirectories("/proc")
            .Select(path => int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? Read(pid) : null)
            .OfType<ProcStat>();

    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself: the fields after it
    // are counted from the last ')'. Field 3 is the state, 5 the process group, 22 the start time.
    private static ProcStat? Parse(int pid, string? stat)
    {
        var close = stat?.LastIndexOf(')') ?? -1;
        if (close < 0) return null;
        var fields = stat![(close + 2)..].Split(' ');
        return fields.Length > 19
            && int.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var group)
            && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new ProcStat(pid, fields[0][0], group, start)
            : null;
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;   // the process exited while it was read, or /proc is not there
        }
    }
}
