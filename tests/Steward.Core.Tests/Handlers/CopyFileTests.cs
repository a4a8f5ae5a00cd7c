using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Steward.Core.Handlers.Copy;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

/// <summary>
/// <c>REQCopyFileFrom</c> and <c>REQCopyFileTo</c> between in-process nodes on a real broker: central asks ship1 to copy
/// one of its files to ship2, whose rules let ship1 send it <c>REQCopyFileTo</c> and nothing else.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class CopyFileTests(NatsServerFixture broker) : IAsyncLifetime
{
    private readonly string _central = Names.Next("central");
    private NodeRuntime _centralNode = null!;
    private NodeRuntime _ship1 = null!;
    private NodeRuntime _ship2 = null!;

    public async Task InitializeAsync()
    {
        _centralNode = await TestNode.StartAsync(broker.Url, _central, o => o.CentralNodeName = _central);
        _ship1 = await TestNode.StartAsync(broker.Url, Names.Next("ship"), Ruled);
        _ship2 = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o =>
        {
            Ruled(o);
            o.Allow = new() { [_ship1.NodeName] = [Methods.CopyFileTo] };
        });
    }

    public async Task DisposeAsync()
    {
        await _ship2.DisposeAsync();
        await _ship1.DisposeAsync();
        await _centralNode.DisposeAsync();
    }

    private void Ruled(StewardOptions options)
    {
        options.CentralNodeName = _central;
        options.Allow = [];   // the default rules: central may call everything, ships nothing of each other
    }

    [Fact]
    public async Task A_file_larger_than_one_message_arrives_whole_in_chunks_each_written_once_with_its_progress_and_sha256_told_to_the_asker()
    {
        var (source, sha256) = RandomFile(3 * 1024 * 1024 + 123);

        var (id, replies) = await CopyAsync(source, "copies/big.bin");

        var copied = Path.Combine(_ship2.Context.FilesFolder, "copies", "big.bin");
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(copied))));
        Assert.Matches($"^copied {Regex.Escape(source)} to {_ship2.NodeName}:{Regex.Escape(copied)}: 3145851 bytes in 5 chunks, sha256 {sha256}\n$", replies[^1].Output);
        Assert.Equal(0, replies[^1].ExitCode);
        Assert.StartsWith($"copying {source} to {_ship2.NodeName}:copies/big.bin: 3145851 bytes in 5 chunks", replies[0].Output, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => new CopyRecords.ReceivedChunk(i, 1, true)), CopyRecords.ChunksReceived(_ship2.Context.DataFolder, _ship1.NodeName));
        Assert.Equal([(CopyStates.Complete, null)], CopyRecords.CopiesReceived(_ship2.Context.DataFolder, _ship1.NodeName));
        Assert.Equal(["big.bin"], Directory.GetFiles(Path.GetDirectoryName(copied)!).Select(Path.GetFileName));   // no temporary file left
        Assert.Equal(MessageStates.Done, (await _centralNode.Queries.FindOutboundAsync(id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task The_originals_single_message_REQCopyFileTo_writes_the_whole_file_from_its_data()
    {
        var id = (await _centralNode.Outbox.AcceptAsync(new Message
        {
            ToNode = _ship2.NodeName, Method = Methods.CopyFileTo, MethodArgs = ["/etc/motd", _ship2.NodeName, "etc/motd"], Data = "welcome aboard\n"u8.ToArray(),
        }))[0];

        await Wait.ForStateAsync(_centralNode, id, MessageStates.Done);
        var written = Path.Combine(_ship2.Context.FilesFolder, "etc", "motd");
        Assert.Equal("welcome aboard\n", await File.ReadAllTextAsync(written));
        Assert.Equal($"wrote 15 bytes to {written}\n", (await RepliesAsync(id)).Single().Output);
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(written));
    }

    [Fact]
    public async Task A_file_over_CopyMaxBytes_is_refused_before_it_is_read_naming_the_argument_and_the_limit()
    {
        await using var small = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o =>
        {
            Ruled(o);
            o.CopyMaxBytes = 1024 * 1024;
        });
        var (source, _) = RandomFile(1024 * 1024 + 1);

        var id = (await _centralNode.Outbox.AcceptAsync(CopyMessage(small.NodeName, source, "copies/too-big.bin")))[0];

        var row = await Wait.ForStateAsync(_centralNode, id, MessageStates.Rejected);
        Assert.Equal($"methodArgs[0] (sourcePath) '{source}' is 1048577 bytes, over the 1048576 bytes this node sends (Steward:CopyMaxBytes)", row.LastError);
        Assert.False(File.Exists(Path.Combine(_ship2.Context.FilesFolder, "copies", "too-big.bin")));
    }

    [Fact]
    public async Task A_destination_outside_the_files_folder_fails_the_copy_with_the_reason_and_nothing_is_written()
    {
        var (source, _) = RandomFile(1000);
        var outside = Path.Combine(Directory.CreateTempSubdirectory("steward-outside-").FullName, "stolen.bin");

        var (_, replies) = await CopyAsync(source, outside);

        Assert.Equal(1, replies[^1].ExitCode);
        Assert.Contains($"rejected: destination path '{outside}' is outside the node's files folder", replies[^1].Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(outside)!));
    }

    [Fact]
    public async Task A_folder_the_destination_allows_in_CopyToPrefixes_takes_an_absolute_destination_path()
    {
        var allowed = Directory.CreateTempSubdirectory("steward-releases-").FullName;
        await using var ship3 = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o =>
        {
            Ruled(o);
            o.Allow = new() { [_ship1.NodeName] = [Methods.CopyFileTo] };
            o.CopyToPrefixes = [allowed];
        });
        var (source, sha256) = RandomFile(5000);

        var id = (await _centralNode.Outbox.AcceptAsync(CopyMessage(_ship1.NodeName, source, $"{allowed}/app/v2.bin") with
        {
            MethodArgs = [source, ship3.NodeName, $"{allowed}/app/v2.bin"],
        }))[0];

        await Wait.ForStateAsync(_centralNode, id, MessageStates.Done, TimeSpan.FromSeconds(30));
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(allowed, "app", "v2.bin")))));
    }

    [Fact]
    public async Task A_copy_that_times_out_at_its_source_is_aborted_and_its_destination_keeps_nothing_of_it()
    {
        var late = Names.Next("ship");   // not started until the copy has timed out: its chunks wait in ship1's outbox
        var (source, _) = RandomFile(3 * 1024 * 1024);

        var id = (await _centralNode.Outbox.AcceptAsync(CopyMessage(_ship1.NodeName, source, "copies/late.bin") with
        {
            MethodArgs = [source, late, "copies/late.bin"], MethodTimeout = 2, ReplyACKTimeout = 1, RetryWait = 1,
        }))[0];
        await Wait.ForStateAsync(_centralNode, id, MessageStates.Done, TimeSpan.FromSeconds(30));
        await using var ship3 = await TestNode.StartAsync(broker.Url, late, o =>
        {
            Ruled(o);
            o.Allow = new() { [_ship1.NodeName] = [Methods.CopyFileTo] };
        });

        await Until.TrueAsync("every message ship1 sent ship3 ended", async () =>
            (await _ship1.Store.Reads.UnfinishedOutboundAsync(late, null, null, null, CancellationToken.None)).Count == 0, TimeSpan.FromSeconds(30));
        // An ACKed abort is stored on ship3, not yet run: the copy ends failed once it has run.
        try
        {
            await Until.TrueAsync("ship3 ended the copy", () => Task.FromResult(
                CopyRecords.CopiesReceived(ship3.Context.DataFolder, _ship1.NodeName) is [(CopyStates.Failed, _)]), TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException e)
        {
            var sent = await _ship1.Store.Queries.ListOutboundAsync(late, null, null, null, 100, CancellationToken.None);
            Assert.Fail($"{e.Message}: {string.Join("; ", CopyRecords.CopiesReceived(ship3.Context.DataFolder, _ship1.NodeName))}; sent: "
                + string.Join("; ", sent.Select(m => $"{m.Id} {m.State} {m.LastError} {m.Json[..Math.Min(300, m.Json.Length)]}")));
        }
        var (state, error) = Assert.Single(CopyRecords.CopiesReceived(ship3.Context.DataFolder, _ship1.NodeName));
        Assert.Equal(CopyStates.Failed, state);
        Assert.Equal($"aborted by {_ship1.NodeName}: the copy was cancelled or timed out on {_ship1.NodeName}", error);
        var copies = Path.Combine(ship3.Context.FilesFolder, "copies");
        Assert.Empty(Directory.Exists(copies) ? Directory.GetFiles(copies) : []);
    }

    [Fact]
    public async Task An_abort_that_arrives_before_any_chunk_of_its_copy_ends_the_copy_there_and_its_chunks_are_not_written()
    {
        var data = RandomNumberGenerator.GetBytes(10_000);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(data));
        var abort = (await _centralNode.Outbox.AcceptAsync(new Message
        {
            ToNode = _ship2.NodeName, Method = Methods.CopyFileTo, ReplyMethod = Methods.None, Data = "given up"u8.ToArray(),
            MethodArgs = ["/src/file", _ship2.NodeName, "first/early.bin", "55", "abort"],   // no folder "first" on ship2 yet
        }))[0];
        await Wait.ForStateAsync(_centralNode, abort, MessageStates.Done);
        await Until.TrueAsync("ship2 ended the copy", () => Task.FromResult(
            CopyRecords.CopiesReceived(_ship2.Context.DataFolder, _central) is [(CopyStates.Failed, _)]), TimeSpan.FromSeconds(15));

        var chunk = (await _centralNode.Outbox.AcceptAsync(new Message
        {
            ToNode = _ship2.NodeName, Method = Methods.CopyFileTo, ReplyMethod = Methods.Pong, Data = data,
            MethodArgs = ["/src/file", _ship2.NodeName, "first/early.bin", "55", "0", "1", "0", "10000", sha256],
        }))[0];

        await Wait.ForStateAsync(_centralNode, chunk, MessageStates.Done);
        Assert.Contains($"aborted by {_central}: given up", (await RepliesAsync(chunk)).Single().Output, StringComparison.Ordinal);
        Assert.Equal([(CopyStates.Failed, $"aborted by {_central}: given up")], CopyRecords.CopiesReceived(_ship2.Context.DataFolder, _central));
        Assert.Empty(CopyRecords.ChunksReceived(_ship2.Context.DataFolder, _central));
        var folder = Path.Combine(_ship2.Context.FilesFolder, "first");
        Assert.Empty(Directory.Exists(folder) ? Directory.GetFiles(folder) : []);
    }

    [Fact]
    public async Task A_copy_whose_chunks_claim_a_wrong_sha256_fails_at_the_destination_and_leaves_no_file()
    {
        var data = RandomNumberGenerator.GetBytes(10_000);
        var wrong = new string('0', 64);
        var chunks = new[] { data[..6000], data[6000..] };
        var ids = new List<long>();
        for (var i = 0; i < 2; i++)
            ids.AddRange(await _centralNode.Outbox.AcceptAsync(new Message
            {
                ToNode = _ship2.NodeName, Method = Methods.CopyFileTo, ReplyMethod = Methods.Pong, Data = chunks[i],
                MethodArgs = ["/src/file", _ship2.NodeName, "copies/forged.bin", "77", $"{i}", "2", $"{i * 6000}", "10000", wrong],
            }));

        foreach (var id in ids) await Wait.ForStateAsync(_centralNode, id, MessageStates.Done);
        var answers = new List<string?>();
        foreach (var id in ids) answers.Add((await RepliesAsync(id)).Single().Output);
        var failed = Assert.Single(answers, a => a!.Contains("\"error\"", StringComparison.Ordinal));
        Assert.Contains($"sha256 mismatch: the 10000 bytes received hash to {Convert.ToHexStringLower(SHA256.HashData(data))}, but {_central} sent {wrong}", failed, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_ship2.Context.FilesFolder, "copies")));
        Assert.Equal(CopyStates.Failed, Assert.Single(CopyRecords.CopiesReceived(_ship2.Context.DataFolder, _central)).State);
    }

    [Fact]
    public async Task A_chunk_whose_write_a_kill_cut_short_is_completed_after_the_restart_not_written_again()
    {
        var data = RandomNumberGenerator.GetBytes(10_000);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(data));
        var path = Path.Combine(_ship2.Context.FilesFolder, "copies", "cut.bin");
        var temporary = CopyTarget.TemporaryFor(path, _central, 91);
        // What a kill -9 leaves between counting chunk 0's write and recording it written: the first 4000 bytes on disk.
        await _ship2.Store.Copies.BeginInAsync(new CopyIn
        {
            FromNode = _central, CopyId = 91, Path = path, TempPath = temporary, Size = data.Length, Chunks = 1, Sha256 = sha256,
        }, CancellationToken.None);
        await _ship2.Store.Copies.CountWriteAsync(_central, 91, 0, messageId: 1, CancellationToken.None);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(temporary, [.. data[..4000], .. new byte[6000]]);

        var id = (await _centralNode.Outbox.AcceptAsync(new Message
        {
            ToNode = _ship2.NodeName, Method = Methods.CopyFileTo, ReplyMethod = Methods.Pong, Data = data,
            MethodArgs = ["/src/file", _ship2.NodeName, "copies/cut.bin", "91", "0", "1", "0", "10000", sha256],
        }))[0];

        await Wait.ForStateAsync(_centralNode, id, MessageStates.Done);
        Assert.Equal(data, await File.ReadAllBytesAsync(path));
        Assert.Equal([new CopyRecords.ReceivedChunk(0, 1, true)], CopyRecords.ChunksReceived(_ship2.Context.DataFolder, _central));
        Assert.Contains("\"complete\":true", (await RepliesAsync(id)).Single().Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_asked_through_a_relay_node_arrives_and_its_progress_and_result_come_back_through_the_relay()
    {
        await using var relay = await TestNode.StartAsync(broker.Url, Names.Next("relay"), Ruled);
        var (source, sha256) = RandomFile(2 * 1024 * 1024);

        var (id, replies) = await CopyAsync(source, "copies/relayed.bin", relayVia: relay.NodeName);

        var copied = Path.Combine(_ship2.Context.FilesFolder, "copies", "relayed.bin");
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(copied))));
        Assert.EndsWith($"sha256 {sha256}\n", replies[^1].Output, StringComparison.Ordinal);
        Assert.Equal(relay.NodeName, (await _centralNode.Queries.FindOutboundAsync(id, CancellationToken.None))!.ToNode);   // it went through the relay
    }

    private static readonly UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private Message CopyMessage(string source, string sourcePath, string destination) => new()
    {
        ToNode = source, Method = Methods.CopyFileFrom, MethodArgs = [sourcePath, _ship2.NodeName, destination], MethodTimeout = 60,
    };

    /// <summary>Central asks ship1 to copy <paramref name="source"/> to ship2 and waits until the copy's message is done; gives its replies.</summary>
    private async Task<(long Id, IReadOnlyList<MessageEvent> Replies)> CopyAsync(string source, string destination, string? relayVia = null)
    {
        var id = (await _centralNode.Outbox.AcceptAsync(CopyMessage(_ship1.NodeName, source, destination) with { RelayViaNode = relayVia }))[0];
        await Wait.ForStateAsync(_centralNode, id, MessageStates.Done, TimeSpan.FromSeconds(60));
        return (id, await RepliesAsync(id));
    }

    private async Task<IReadOnlyList<MessageEvent>> RepliesAsync(long id) =>
        (await _centralNode.Queries.EventsAsync(id, 0, CancellationToken.None)).Where(e => e.Kind == EventKinds.Reply).ToList();

    private static (string Path, string Sha256) RandomFile(int size)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("steward-source-").FullName, "file.bin");
        var data = RandomNumberGenerator.GetBytes(size);
        File.WriteAllBytes(path, data);
        return (path, Convert.ToHexStringLower(SHA256.HashData(data)));
    }
}
