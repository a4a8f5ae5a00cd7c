using System.Globalization;

namespace Steward.Core.Messages;

/// <summary>An age as operators write it: <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>7d</c>, or plain seconds.</summary>
public static class Durations
{
    public const string Rule = "a number of seconds, or a number followed by s, m, h or d (e.g. 30m, 2h, 7d)";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text)) return false;
        var (digits, unit) = char.IsAsciiDigit(text[^1]) ? (text, 's') : (text[..^1], text[^1]);
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)) return false;
        TimeSpan? parsed = unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
        duration = parsed ?? default;
        return parsed is not null;
    }
}
