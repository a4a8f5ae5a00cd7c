using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Core.Tests.Handlers;

public sealed class ToFileAppendHandlerTests : IAsyncDisposable
{
    private readonly NodeContext _node = new("central", Directory.CreateTempSubdirectory("steward-files-").FullName);
    private readonly NodeStore _store;
    private readonly ToFileAppendHandler _handler;

    public ToFileAppendHandlerTests()
    {
        _store = new NodeStore(_node.DataFolder, "FULL", TimeProvider.System, NullLogger.Instance);
        _handler = new ToFileAppendHandler(new NodeFiles(_node), _store.StartAppendAsync);
    }

    private string ResultFile => Path.Combine(_node.DataFolder, "data", "logs", "ship1", "up.txt");

    private async Task<Message> ReceivedAsync(string data)
    {
        var message = new Message
        {
            Id = Random.Shared.NextInt64(1, long.MaxValue), FromNode = "ship1", ToNode = "central", Method = Methods.ToFileAppend,
            Directory = "logs", FileName = "up.txt", Data = System.Text.Encoding.UTF8.GetBytes(data),
        };
        Assert.True(await _store.AddInboundAsync(message));
        return message;
    }

    [Fact]
    public async Task Data_is_appended_under_directory_and_the_node_that_ran_the_method()
    {
        await _handler.HandleAsync(await ReceivedAsync("one\n"), CancellationToken.None);
        await _handler.HandleAsync(await ReceivedAsync("two\n"), CancellationToken.None);

        Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(ResultFile));
    }

    [Fact]
    public async Task A_message_run_again_after_a_crash_appends_its_data_once()
    {
        var first = await ReceivedAsync("one\n");
        await _handler.HandleAsync(first, CancellationToken.None);
        var second = await ReceivedAsync("two\n");
        await _handler.HandleAsync(second, CancellationToken.None);

        // A crash before the commit that finishes them: both run again on restart.
        await _handler.HandleAsync(first, CancellationToken.None);
        await _handler.HandleAsync(second, CancellationToken.None);

        Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(ResultFile));
    }

    [Fact]
    public async Task An_append_the_crash_cut_in_half_is_completed_and_one_that_never_began_is_made()
    {
        var torn = await ReceivedAsync("three\n");
        await _handler.HandleAsync(torn, CancellationToken.None);
        File.WriteAllText(ResultFile, "thr");   // the kill came in the middle of the write
        await _handler.HandleAsync(torn, CancellationToken.None);
        Assert.Equal("three\n", await File.ReadAllTextAsync(ResultFile));

        var neverWritten = await ReceivedAsync("four\n");
        await _store.StartAppendAsync(neverWritten, new FileInfo(ResultFile).Length, CancellationToken.None);   // recorded, then killed
        await _handler.HandleAsync(await ReceivedAsync("five\n"), CancellationToken.None);   // another reply came in first after the restart
        await _handler.HandleAsync(neverWritten, CancellationToken.None);
        Assert.Equal("three\nfive\nfour\n", await File.ReadAllTextAsync(ResultFile));
    }

    [Fact]
    public async Task A_link_that_leads_out_of_the_data_folder_is_refused()
    {
        var outside = Directory.CreateTempSubdirectory("steward-outside-").FullName;
        Directory.CreateDirectory(Path.Combine(_node.FilesFolder, "escape"));
        Directory.CreateSymbolicLink(Path.Combine(_node.FilesFolder, "escape", "ship1"), outside);
        var message = new Message { FromNode = "ship1", Directory = "escape", FileName = "x.txt", Data = "pwned"u8.ToArray() };

        await Assert.ThrowsAsync<MessageRejectedException>(() => _handler.HandleAsync(message, CancellationToken.None));

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();
}
