namespace Steward.TestSupport;

/// <summary>A file that commands append a line to, so a test can count how often something really ran.</summary>
public sealed class RunCounter
{
    public string Path { get; } = System.IO.Path.Combine(Directory.CreateTempSubdirectory("steward-runs-").FullName, "runs.txt");

    /// <summary>argv that appends <paramref name="mark"/> to the file and prints it.</summary>
    public string[] Command(string mark) => ["bash", "-c", $"echo {mark} >> '{Path}'; echo {mark}"];

    public IReadOnlyList<string> Lines => File.Exists(Path) ? File.ReadAllLines(Path) : [];
}
