using System.Text.Json;
using System.Text.RegularExpressions;
using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.State;

[Collection(BrokerCollection.Name)]
public sealed partial class AuditLogRotationTests(NatsServerFixture broker)
{
    private const long MaxBytes = 4096;
    private const int Kept = 2;

    [Fact]
    public async Task The_audit_log_rotates_by_size_keeping_AuditLogFilesKept_files_0600_with_the_newest_lines_in_audit_log()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url, both: o =>
        {
            o.AuditLogMaxBytes = MaxBytes;
            o.AuditLogFilesKept = Kept;
        });
        var ids = new List<long>();
        for (var i = 0; i < 60; i++) ids.AddRange(await nodes.Sender.Outbox.AcceptAsync(new Message { ToNode = nodes.Receiver.NodeName, Method = Methods.None }));

        var data = nodes.Sender.Context.DataFolder;
        var current = Path.Combine(data, "audit.log");
        await Until.TrueAsync("the last message is in audit.log", () => OutIds(current).Contains(ids[^1]));

        var files = Directory.GetFiles(data, "audit.log*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["audit.log", "audit.log.1", "audit.log.2"], files);
        foreach (var file in files.Select(f => Path.Combine(data, f!)))
        {
            Assert.InRange(new FileInfo(file).Length, 1, MaxBytes);
            Assert.Equal((file, UnixFileMode.UserRead | UnixFileMode.UserWrite), (file, File.GetUnixFileMode(file)));
            Assert.All(File.ReadAllLines(file), line => JsonDocument.Parse(line).Dispose());   // whole lines only
        }
        // Oldest to newest: .2, .1, audit.log, each holding a run of the messages in the order they were sent.
        var kept = new[] { "audit.log.2", "audit.log.1", "audit.log" }.SelectMany(f => OutIds(Path.Combine(data, f))).ToList();
        Assert.Equal(ids.TakeLast(kept.Count), kept);
    }

    private static List<long> OutIds(string file) => File.Exists(file)
        ? OutLine().Matches(File.ReadAllText(file)).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList()
        : [];

    [GeneratedRegex("\"direction\":\"out\",\"message\":\\{\"id\":(\\d+),")]
    private static partial Regex OutLine();
}
