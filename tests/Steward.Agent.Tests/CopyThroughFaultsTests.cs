using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Steward.TestSupport;
using Xunit.Abstractions;

namespace Steward.Agent.Tests;

/// <summary>
/// A 50 MiB file copied between two agents, real processes, while the receiving agent's link to the broker is cut (a
/// <see cref="FaultyLink"/>), and then each agent in turn is killed with SIGKILL and started again on its data folder.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed partial class CopyThroughFaultsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Size = 50 * 1024 * 1024;
    private readonly NatsServerFixture _broker = new();
    private readonly StringBuilder _timeline = new();
    private readonly List<(string Name, HostProcess Process)> _hosts = [];

    public Task InitializeAsync() => _broker.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var (_, process) in _hosts) await process.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task A_50_MiB_copy_through_a_cut_link_a_killed_receiver_and_a_killed_sender_resumes_and_arrives_whole_with_each_chunk_sent_and_written_once()
    {
        await using var link = new FaultyLink(_broker.Port);
        await using var gateway = new GatewayFactory(_broker.Url, Names.Next("central"));
        using var client = await gateway.CreateReadyClientAsync();
        var (sender, receiver) = (Names.Next("ship"), Names.Next("ship"));
        var (senderData, receiverData) = (Directory.CreateTempSubdirectory("steward-sender-").FullName, Directory.CreateTempSubdirectory("steward-receiver-").FullName);
        TestFleet.EnrollFolder(sender, senderData);   // both keys known before either agent starts, as after enrolment
        TestFleet.EnrollFolder(receiver, receiverData);
        string[] receiverArgs =
        [
            "--node", receiver, "--central", gateway.NodeName, "--broker", link.Url, "--data", receiverData, $"--Steward:Allow:{sender}:0=REQCopyFileTo",
        ];
        var source = Path.Combine(Directory.CreateTempSubdirectory("steward-source-").FullName, "big.bin");
        await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(Size));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(source)));
        var copied = Path.Combine(receiverData, "data", "copies", "big.bin");

        string[] senderArgs = ["--node", sender, "--central", gateway.NodeName, "--broker", _broker.Url, "--data", senderData];

        try
        {
            var sending = await StartAsync("sender", senderArgs);
            var receiving = await StartAsync("receiver", receiverArgs);

            Step("post");
            var started = DateTime.UtcNow;
            var id = (await client.PostMessagesAsync(JsonSerializer.Serialize(new
            {
                toNode = sender, method = "REQCopyFileFrom", methodArgs = new[] { source, receiver, "copies/big.bin" }, methodTimeout = 300,
                // The chunks are as patient as the copy's reply: an unanswered one is resent within 2 s × 4.
                ACKTimeout = 2, retryWait = 1, replyACKTimeout = 2,
            })))[0];
            var events = new ConcurrentQueue<SseEvent>();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(150));
            var following = Task.Run(async () =>
            {
                await foreach (var e in ServerSentEvents.ReadAsync(client, $"/messages/{id}/events", ct: stop.Token)) events.Enqueue(e);
            });

            await WrittenAsync(receiverData, sender, 10);
            Step("cut and refuse");
            link.Cut();
            link.Refuse(true);
            // Held down until the outage shows: a chunk, or the receiver's answer to one, is being resent.
            await Until.TrueAsync("a chunk or its answer is resent", () =>
                CopyRecords.CopyMessagesRetrying(senderData) + CopyRecords.CopyMessagesRetrying(receiverData) > 0, TimeSpan.FromSeconds(30));
            var forwarded = link.Forwarded;
            Step("accept again");
            link.Refuse(false);
            await Until.TrueAsync("the receiver connected again", () => link.Forwarded > forwarded, TimeSpan.FromSeconds(30));

            var before = await WrittenAsync(receiverData, sender, 25);
            Step($"kill -9 receiver ({before} chunks written)");
            await receiving.KillAloneAsync();
            Assert.True(File.Exists(TemporaryOf(copied)), "the receiver was killed before the copy was complete");
            await StartAsync("receiver", receiverArgs);

            before = await WrittenAsync(receiverData, sender, 45);
            Step($"kill -9 sender ({before} chunks written)");
            await sending.KillAloneAsync();
            await StartAsync("sender", senderArgs);

            await following.WaitAsync(stop.Token);
            Step("the copy's message is final");
            var took = DateTime.UtcNow - started;
            var replies = events.Where(e => e.Event == "reply").Select(e => e.Field("output")).ToList();
            var final = events.Last(e => e.Event == "reply");
            var chunks = int.Parse(ChunkCount().Match(replies[0]).Groups[1].Value, CultureInfo.InvariantCulture);
            output.WriteLine($"{Size} bytes in {chunks} chunks, {took.TotalSeconds:0.0} s from POST to the last reply");

            Assert.Equal("done", events.Last(e => e.Event == "state").Field("state"));
            Assert.Equal("0", final.Field("exitCode"));
            Assert.EndsWith($"{Size} bytes in {chunks} chunks, sha256 {sha256}\n", final.Field("output"), StringComparison.Ordinal);
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(copied))));
            Assert.False(File.Exists(TemporaryOf(copied)));
            // Each chunk written once, as the receiver's durable record of its chunks says; each chunk sent once, as the
            // sender's outbox says: the copy went on from where it was, it did not start over.
            Assert.Equal(Enumerable.Range(0, chunks).Select(i => new CopyRecords.ReceivedChunk(i, 1, true)), CopyRecords.ChunksReceived(receiverData, sender));
            Assert.Equal([("complete", null)], CopyRecords.CopiesReceived(receiverData, sender));
            Assert.Equal(chunks, CopyRecords.ChunkMessagesSent(senderData, receiver));
            var progress = replies.Select(r => Progress().Match(r)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.NotEmpty(progress);
            Assert.Equal(progress.Order(), progress);   // progress never went back
            Assert.Contains(replies, r => r.StartsWith($"resuming the copy of {source} to {receiver}:copies/big.bin after a restart", StringComparison.Ordinal));
        }
        finally
        {
            WriteLogs();
        }
    }

    [GeneratedRegex(@" bytes in (\d+) chunks of ")]
    private static partial Regex ChunkCount();

    [GeneratedRegex(@"^progress: (\d+) of \d+ chunks")]
    private static partial Regex Progress();

    private static string TemporaryOf(string copied) => Directory.GetFiles(Path.GetDirectoryName(copied)!, ".steward-copy-*").SingleOrDefault() ?? "(none)";

    /// <summary>Waits until the receiver's record says at least <paramref name="count"/> chunks are written; gives how many.</summary>
    private static async Task<int> WrittenAsync(string receiverData, string sender, int count)
    {
        var written = 0;
        await Until.TrueAsync($"the receiver wrote {count} chunks", () =>
            File.Exists(Path.Combine(receiverData, "steward.db")) && (written = CopyRecords.ChunksReceived(receiverData, sender).Count(c => c.Written)) >= count,
            TimeSpan.FromSeconds(60));
        return written;
    }

    private async Task<HostProcess> StartAsync(string name, params string[] args)
    {
        Step($"start {name}");
        var process = await HostProcess.StartAsync(HostProcess.Agent, args);
        _hosts.Add(($"{name}-{_hosts.Count(h => h.Name.StartsWith(name, StringComparison.Ordinal)) + 1}", process));
        Step($"{name} started");
        return process;
    }

    private void Step(string what) => _timeline.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(' ').AppendLine(what);

    private void WriteLogs()
    {
        var folder = Directory.CreateTempSubdirectory("steward-copy-logs-").FullName;
        foreach (var (name, process) in _hosts) File.WriteAllText(Path.Combine(folder, $"{name}.log"), process.Output);
        output.WriteLine($"logs: {folder}");
        output.WriteLine(_timeline.ToString());
    }
}
