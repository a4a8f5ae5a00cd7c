using System.Text;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Tests.Handlers;

public sealed class ToFileAppendHandlerTests
{
    private readonly NodeContext _node = new("central", Directory.CreateTempSubdirectory("steward-files-").FullName);

    [Fact]
    public async Task Data_is_appended_under_directory_and_the_node_that_ran_the_method()
    {
        var handler = new ToFileAppendHandler(new NodeFiles(_node));
        var message = new Message { FromNode = "ship1", Directory = "logs/daily", FileName = "up.txt", Data = "one\n"u8.ToArray() };

        await handler.HandleAsync(message, CancellationToken.None);
        await handler.HandleAsync(message with { Data = "two\n"u8.ToArray() }, CancellationToken.None);

        Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(Path.Combine(_node.DataFolder, "data", "logs", "daily", "ship1", "up.txt")));
    }

    [Fact]
    public async Task A_link_that_leads_out_of_the_data_folder_is_refused()
    {
        var outside = Directory.CreateTempSubdirectory("steward-outside-").FullName;
        Directory.CreateDirectory(Path.Combine(_node.FilesFolder, "escape"));
        Directory.CreateSymbolicLink(Path.Combine(_node.FilesFolder, "escape", "ship1"), outside);
        var message = new Message { FromNode = "ship1", Directory = "escape", FileName = "x.txt", Data = "pwned"u8.ToArray() };

        await Assert.ThrowsAsync<MessageRejectedException>(() => new ToFileAppendHandler(new NodeFiles(_node)).HandleAsync(message, CancellationToken.None));

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }
}
