namespace Steward.TestSupport;

public static class RepositoryRoot
{
    /// <summary>The folder holding Steward.sln, found by walking up from the test's output folder.</summary>
    public static string Path { get; } = Find(AppContext.BaseDirectory);

    private static string Find(string from) =>
        File.Exists(System.IO.Path.Combine(from, "Steward.sln")) ? from
        : Find(Directory.GetParent(from)?.FullName ?? throw new DirectoryNotFoundException("Steward.sln not found above the test folder"));
}
