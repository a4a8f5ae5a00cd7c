using System.Text.RegularExpressions;

namespace Steward.TestSupport;

/// <summary>
/// A nats-server configuration from the repository's <c>nats/</c> folder, run as it is but for what a test must change:
/// its ports, certificate paths and example keys. A change whose text is not in the file fails at once, so an edited
/// example never leaves a test running something else than it says.
/// </summary>
public sealed class NatsConfigFile
{
    private readonly string _name;
    private string _text;

    private NatsConfigFile(string name, string text) => (_name, _text) = (name, text);

    /// <summary>The file at <paramref name="relativePath"/> under the repository root, e.g. <c>nats/hub.conf</c>.</summary>
    public static NatsConfigFile FromRepository(string relativePath) =>
        new(Path.GetFileName(relativePath), File.ReadAllText(Path.Combine(RepositoryRoot.Path, relativePath)));

    /// <summary>Replaces every occurrence of <paramref name="from"/>.</summary>
    public NatsConfigFile Replace(string from, string to)
    {
        if (!_text.Contains(from, StringComparison.Ordinal)) throw new InvalidOperationException($"{_name} has no '{from}' to replace");
        _text = _text.Replace(from, to, StringComparison.Ordinal);
        return this;
    }

    /// <summary>Gives a variable defined in the file (<c>NAME: "value"</c> on a line of its own) another value.</summary>
    public NatsConfigFile SetVariable(string name, string value)
    {
        var definition = new Regex($"^{Regex.Escape(name)}: \".*\"$", RegexOptions.Multiline);
        if (!definition.IsMatch(_text)) throw new InvalidOperationException($"{_name} defines no variable {name}");
        _text = definition.Replace(_text, $"{name}: \"{value}\"");
        return this;
    }

    /// <summary>Writes the file into <paramref name="folder"/> under its own name and returns its path.</summary>
    public string WriteTo(string folder)
    {
        var path = Path.Combine(folder, _name);
        File.WriteAllText(path, _text);
        return path;
    }
}
