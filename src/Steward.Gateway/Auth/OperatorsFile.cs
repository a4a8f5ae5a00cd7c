using System.Text.Json;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Gateway.Auth;

/// <summary>
/// <c>&lt;data&gt;/operators.json</c>: the named operators, each with a role and the hash of its token. Mode 0600 in a
/// data folder made with mode 0700; replaced whole by a rename, so a reader never sees half a file.
/// </summary>
internal sealed class OperatorsFile(string dataFolder)
{
    public const string FileName = "operators.json";

    public string Path { get; } = System.IO.Path.Combine(dataFolder, FileName);

    /// <summary>The entries; none when there is no file. A file that is not a valid list stops the caller with one line.</summary>
    public IReadOnlyList<OperatorEntry> Read()
    {
        if (!File.Exists(Path)) return [];
        List<OperatorEntry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(File.ReadAllBytes(Path), OperatorsJson.Default.ListOperatorEntry);
        }
        catch (JsonException e)
        {
            throw new StewardStartupException($"{Path}: not a list of operators: {e.Message}");
        }
        entries ??= [];
        if (entries.Select(e => e.Problem()).FirstOrDefault(p => p is not null) is { } problem) throw new StewardStartupException($"{Path}: {problem}");
        if (entries.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new StewardStartupException($"{Path}: operator '{twice.Key}' is there twice");
        return entries;
    }

    /// <summary>Adds an operator and gives its new token, which is stored nowhere: only its hash is.</summary>
    /// <exception cref="ArgumentException">The name or role is invalid, or the name is taken; the message says which.</exception>
    public string Add(string name, string role)
    {
        if (!OperatorEntry.IsValidName(name)) throw new ArgumentException($"operator name '{name}' must match {OperatorEntry.NameRule}");
        if (name == OperatorEntry.Admin)
            throw new ArgumentException($"'{OperatorEntry.Admin}' is the operator of Steward:ApiToken or <data>/api-token; choose another name");
        if (!OperatorRoles.All.Contains(role)) throw new ArgumentException($"role must be {string.Join(" or ", OperatorRoles.All)}, not '{role}'");
        var entries = Read().ToList();
        if (entries.Any(e => e.Name == name)) throw new ArgumentException($"operator '{name}' already exists in {Path}");
        var token = OperatorEntry.NewToken();
        entries.Add(new OperatorEntry(name, role, OperatorEntry.Hash(token)));
        Write(entries);
        return token;
    }

    private void Write(List<OperatorEntry> entries) => OwnerOnly.WriteWhole(Path, file =>
    {
        JsonSerializer.Serialize(file, entries, OperatorsJson.Default.ListOperatorEntry);
        file.WriteByte((byte)'\n');
    });
}
