using System.Diagnostics;

namespace Steward.TestSupport;

/// <summary>Waits for a condition by polling with a deadline: tests wait for signals, never for a fixed time.</summary>
public static class Until
{
    public static async Task TrueAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        for (var clock = Stopwatch.StartNew(); !await condition(); await Task.Delay(50))
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(20))) throw new TimeoutException($"Timed out waiting until {what}");
    }

    /// <summary>Polls until <paramref name="read"/> gives a value, and returns it.</summary>
    public static async Task<T> ValueAsync<T>(string what, Func<T?> read, TimeSpan? timeout = null) where T : class
    {
        T? value = null;
        await TrueAsync(what, () => (value = read()) is not null, timeout);
        return value!;
    }

    public static async Task<T> ValueAsync<T>(string what, Func<Task<T?>> read, TimeSpan? timeout = null) where T : class
    {
        T? value = null;
        await TrueAsync(what, async () => (value = await read()) is not null, timeout);
        return value!;
    }

    public static async Task<T?> ValueAsync<T>(string what, Func<Task<T?>> read, TimeSpan? timeout = null) where T : struct
    {
        T? value = null;
        await TrueAsync(what, async () => (value = await read()) is not null, timeout);
        return value;
    }

    public static Task TrueAsync(string what, Func<bool> condition, TimeSpan? timeout = null) =>
        TrueAsync(what, () => Task.FromResult(condition()), timeout);
}
