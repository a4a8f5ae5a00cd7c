using System.Globalization;

namespace Steward.Core.Messages;

/// <summary>An age as operators write it: <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>, or plain seconds.</summary>
public static class Durations
{
    public const string Rule = "a number of seconds, or a number followed by s, m, h or d (e.g. 30m, 2h, 7d), at most 36500d";

    private const int MaxDays = 36_500;

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text)) return false;
        var (digits, unit) = char.IsAsciiDigit(text[^1]) ? (text, 's') : (text[..^1], text[^1]);
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)) return false;
        double? seconds = unit switch
        {
            's' => amount,
            'm' => amount * 60.0,
            'h' => amount * 3600.0,
            'd' => amount * 86400.0,
            _ => null,
        };
        // At most a century: a larger age means "all", and would overflow a date or a TimeSpan on the way.
        if (seconds is not { } inSeconds || inSeconds > MaxDays * 86400.0) return false;
        duration = TimeSpan.FromSeconds(inSeconds);
        return true;
    }
}
