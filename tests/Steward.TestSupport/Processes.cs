namespace Steward.TestSupport;

/// <summary>What <c>ps</c> would show: the processes whose command line contains a marker.</summary>
public static class Processes
{
    public static IEnumerable<int> WithCommandLine(string marker) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Where(pid => Read($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(marker, StringComparison.Ordinal))
            .Select(pid => int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The processes whose name (argv[0], e.g. from <c>exec -a</c>) is <paramref name="name"/>: not a shell that only mentions it.</summary>
    public static IEnumerable<int> Named(string name) =>
        WithCommandLine(name).Where(pid => Read($"/proc/{pid}/cmdline").Split('\0')[0] == name);

    /// <summary>Whether <paramref name="pid"/> is a live process: it exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int pid) =>
        Read($"/proc/{pid}/stat") is { Length: > 0 } stat && stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');

    private static string Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
