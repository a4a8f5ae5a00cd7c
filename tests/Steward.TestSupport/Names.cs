namespace Steward.TestSupport;

/// <summary>Unique node names, so tests sharing one broker never see each other's messages.</summary>
public static class Names
{
    private static int _next;

    public static string Next(string prefix) => $"{prefix}{Interlocked.Increment(ref _next)}x{Environment.ProcessId}";
}
