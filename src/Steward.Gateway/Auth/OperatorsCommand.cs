using Steward.Core.Node;

namespace Steward.Gateway.Auth;

/// <summary>
/// <c>Steward.Gateway operators add &lt;name&gt; --role read|operate</c> and <c>operators list</c>: manage
/// <c>&lt;data&gt;/operators.json</c> without starting the gateway. The data folder comes from the usual configuration
/// (<c>--data</c>, <c>--node</c>, <c>Steward__DataFolder</c>, appsettings.json). Exit 0, or 2 with one line on stderr.
/// </summary>
internal static class OperatorsCommand
{
    public const string Usage = "operators add <name> --role read|operate | operators list";

    public const string Help = """
        Operators: the admin token comes from the environment (Steward__ApiToken) or a file (Steward__ApiTokenFile=<path>),
        never from the command line; without either (and without other operators) the gateway makes one in <data>/api-token.
        More operators, each with its own token and role, are kept in <data>/operators.json, only as hashes; the token is
        printed once. read may use every GET; operate may also POST and DELETE.
          Steward.Gateway operators add <name> --role read|operate [--data <folder>]
          Steward.Gateway operators list [--data <folder>]
        """;

    public static bool IsCommand(string[] args) => args is ["operators", ..];

    public static int Run(string[] args)
    {
        var (verb, rest) = args is [_, var v, .. var r] ? (v, r) : ("", []);
        string? name = null;
        if (verb == "add" && rest is [var first, .. var afterName] && !first.StartsWith('-'))
            (name, rest) = (first, afterName);
        var role = TakeRole(ref rest);
        if (StewardCommandLine.UnknownSwitch(rest) is { } unknown) return Fail($"unknown switch {unknown}; usage: {Usage}");
        if (rest.FirstOrDefault(a => !a.StartsWith('-')) is { } stray && !IsSwitchValue(rest, stray)) return Fail($"unexpected '{stray}'; usage: {Usage}");

        var options = StewardConfiguration.Read(StewardConfiguration.FromSources(rest), defaultNodeName: "central");
        var file = new OperatorsFile(options.ResolvedDataFolder);
        try
        {
            switch (verb)
            {
                case "add" when name is not null && role is not null:
                    var token = file.Add(name, role);
                    Console.Out.WriteLine(token);
                    Console.Error.WriteLine($"Steward.Gateway: operator '{name}' ({role}) added to {file.Path}; the token above is shown only this once");
                    return 0;
                case "add":
                    return Fail($"operators add needs a name and a role; usage: {Usage}");
                case "list":
                    if (Admin(options) is { } admin) Console.Out.WriteLine($"{OperatorEntry.Admin,-24} {OperatorRoles.Operate,-8} {admin}");
                    foreach (var entry in file.Read()) Console.Out.WriteLine($"{entry.Name,-24} {entry.Role}");
                    return 0;
                default:
                    return Fail($"usage: {Usage}");
            }
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
        catch (StewardStartupException e)
        {
            return Fail(e.Message);
        }
    }

    /// <summary>Removes <c>--role x</c> or <c>--role=x</c> from the arguments and gives x.</summary>
    private static string? TakeRole(ref string[] args)
    {
        var list = args.ToList();
        var at = list.FindIndex(a => a == "--role" || a.StartsWith("--role=", StringComparison.Ordinal));
        if (at < 0) return null;
        string? role;
        if (list[at].Contains('=', StringComparison.Ordinal))
        {
            role = list[at]["--role=".Length..];
            list.RemoveAt(at);
        }
        else
        {
            role = at + 1 < list.Count ? list[at + 1] : "";
            list.RemoveRange(at, Math.Min(2, list.Count - at));
        }
        args = [.. list];
        return role;
    }

    private static bool IsSwitchValue(string[] args, string value)
    {
        var at = Array.IndexOf(args, value);
        return at > 0 && args[at - 1].StartsWith("--", StringComparison.Ordinal) && !args[at - 1].Contains('=', StringComparison.Ordinal);
    }

    /// <summary>Where the admin token comes from, when there is one.</summary>
    private static string? Admin(StewardOptions options) =>
        !string.IsNullOrEmpty(options.ApiToken) ? "(Steward:ApiToken)"
        : !string.IsNullOrEmpty(options.ApiTokenFile) ? $"({options.ApiTokenFile})"
        : File.Exists(Path.Combine(options.ResolvedDataFolder, OperatorToken.FileName)) ? $"({Path.Combine(options.ResolvedDataFolder, OperatorToken.FileName)})"
        : null;

    private static int Fail(string line)
    {
        Console.Error.WriteLine($"Steward.Gateway: {line}");
        return 2;
    }
}
