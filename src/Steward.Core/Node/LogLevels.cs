using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace Steward.Core.Node;

/// <summary>
/// The log levels a host takes from its configuration: <c>Serilog:MinimumLevel:Default</c> (Information) and
/// <c>Serilog:MinimumLevel:Override:&lt;source&gt;</c> (<c>Microsoft</c> at Warning unless given). Read by hand, not by
/// Serilog's <c>ReadFrom.Configuration</c>, which finds sinks and settings by reflection: a Native AOT agent has none.
/// </summary>
internal static class LogLevels
{
    private const string Section = "Serilog:MinimumLevel";

    /// <summary>The first level that is not one, as one line naming its key; null when all are fine.</summary>
    public static string? Problem(IConfiguration configuration) =>
        Levels(configuration).Where(l => l.Level is null)
            .Select(l => $"{l.Key}: '{l.Text}' is not a log level ({string.Join(", ", Enum.GetNames<LogEventLevel>())})")
            .FirstOrDefault();

    public static LoggerConfiguration Apply(LoggerConfiguration log, IConfiguration configuration)
    {
        var levels = Levels(configuration).ToList();
        log.MinimumLevel.Is(levels.FirstOrDefault(l => l.Source is null).Level ?? LogEventLevel.Information);
        if (!levels.Any(l => l.Source == "Microsoft")) log.MinimumLevel.Override("Microsoft", LogEventLevel.Warning);
        foreach (var (_, _, source, level) in levels)
            if (source is not null && level is { } value) log.MinimumLevel.Override(source, value);
        return log;
    }

    /// <summary>Each level given: its key, its text, the source it is for (null: the default) and the level, null when it is none.</summary>
    private static IEnumerable<(string Key, string Text, string? Source, LogEventLevel? Level)> Levels(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        // "MinimumLevel": "Debug" is Serilog's short form of "MinimumLevel": { "Default": "Debug" }.
        // A section with keys below it may also hold "" itself (a test host's settings): that is no level.
        var shortForm = string.IsNullOrEmpty(section.Value) ? null : section.Value;
        if ((shortForm ?? section["Default"]) is { Length: > 0 } text) yield return (shortForm is null ? $"{Section}:Default" : Section, text, null, Parse(text));
        foreach (var over in section.GetSection("Override").GetChildren())
            if (over.Value is { Length: > 0 } value) yield return (over.Path, value, over.Key, Parse(value));
    }

    private static LogEventLevel? Parse(string text) =>
        Enum.TryParse<LogEventLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level) ? level : null;
}
