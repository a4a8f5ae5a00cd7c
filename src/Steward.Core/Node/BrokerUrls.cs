using System.Text.RegularExpressions;

namespace Steward.Core.Node;

/// <summary>
/// <see cref="StewardOptions.Broker"/>: one broker URL, or a comma-separated list of a cluster's servers. NATS.Net
/// takes the list as it is and fails over between its servers (and the ones the cluster tells it about); this checks
/// each entry first, so a mistyped one stops the host with a line naming it instead of an exception.
/// </summary>
internal static partial class BrokerUrls
{
    private static readonly string[] Schemes = ["nats", "tls", "ws", "wss"];

    /// <summary>Every URL of the list, trimmed, in the order given.</summary>
    public static IReadOnlyList<string> Split(string broker) =>
        broker.Split(',', StringSplitOptions.TrimEntries);

    /// <summary>The list as NATS.Net takes it.</summary>
    public static string ForNats(string broker) => string.Join(",", Split(broker));

    /// <summary>The list for a log line or a problem: a password in a URL (<c>nats://user:password@host</c>) is left out.</summary>
    public static string ForLog(string broker) => UserInfo().Replace(broker, "//***@");

    /// <summary>One line per URL that is not a broker URL, e.g. an empty entry or an http:// URL.</summary>
    public static IEnumerable<string> Problems(string broker)
    {
        if (string.IsNullOrWhiteSpace(broker)) yield break;   // [Required] says so
        var urls = Split(broker);
        for (var i = 0; i < urls.Count; i++)
        {
            var what = urls.Count == 1 ? "Broker" : $"Broker: URL {i + 1} of {urls.Count}";
            if (urls[i].Length == 0)
            {
                yield return $"{what} is empty ('{ForLog(broker)}')";
                continue;
            }
            // A URL without a scheme is a nats:// one, as NATS.Net reads it.
            var url = urls[i].Contains("://", StringComparison.Ordinal) ? urls[i] : $"nats://{urls[i]}";
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || !Schemes.Contains(uri.Scheme))
                yield return $"{what}: '{ForLog(urls[i])}' is not a broker URL (nats://, tls://, ws:// or wss://, then host:port)";
        }
    }

    [GeneratedRegex("//[^/@]*@")]
    private static partial Regex UserInfo();
}
