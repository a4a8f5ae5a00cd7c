using System.Text;

namespace Steward.Core.Handlers;

/// <summary>
/// Splits text that arrives in chunks into lines as <see cref="TextReader.ReadLine"/> does (<c>\n</c>, <c>\r\n</c> or
/// <c>\r</c> ends one), except that a line longer than <paramref name="maxChars"/> is cut into pieces of that size, so
/// output without newlines cannot grow memory.
/// </summary>
internal sealed class LineSplitter(int maxChars)
{
    private readonly StringBuilder _line = new();
    private bool _afterCarriageReturn;

    /// <summary>Adds the lines <paramref name="text"/> completes to <paramref name="lines"/>.</summary>
    public void Split(ReadOnlySpan<char> text, List<string> lines)
    {
        if (_afterCarriageReturn && text.Length > 0 && text[0] == '\n') text = text[1..];   // the \n of a \r\n cut between chunks
        _afterCarriageReturn = false;
        while (!text.IsEmpty)
        {
            var end = text.IndexOfAny('\r', '\n');
            var piece = text[..Math.Min(end < 0 ? text.Length : end, maxChars - _line.Length)];
            _line.Append(piece);
            text = text[piece.Length..];
            var ended = !text.IsEmpty && text[0] is '\r' or '\n';
            if (!ended && _line.Length < maxChars) continue;
            lines.Add(_line.ToString());
            _line.Clear();
            if (!ended) continue;
            _afterCarriageReturn = text[0] == '\r';
            text = text[1..];
            if (_afterCarriageReturn && !text.IsEmpty && text[0] == '\n')
            {
                text = text[1..];
                _afterCarriageReturn = false;
            }
        }
    }

    /// <summary>The last line, when the text did not end with a line break.</summary>
    public string? Rest() => _line.Length > 0 ? _line.ToString() : null;
}
