using System.Security.Cryptography;
using System.Text;

namespace Steward.Core.State;

/// <summary>
/// A local input (an inbox file), remembered among the received messages under a source that is no node name, so the
/// duplicate memory and its retention cover it too. Its key is a hash of the file's name, size, time and content.
/// </summary>
public sealed record LocalInput(string Kind, string Name, long Key)
{
    public const string Source = "@local";

    public static LocalInput File(string path, byte[] content)
    {
        var info = new FileInfo(path);
        var identity = Encoding.UTF8.GetBytes($"{info.Name}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}\n");
        var hash = SHA256.HashData([.. identity, .. content]);
        return new LocalInput("inbox", info.Name, BitConverter.ToInt64(hash, 0) & long.MaxValue);
    }
}
