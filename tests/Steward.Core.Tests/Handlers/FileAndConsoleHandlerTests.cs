using System.Text;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

[Collection(BrokerCollection.Name)]
public sealed class FileAndConsoleHandlerTests(NatsServerFixture broker)
{
    [Fact]
    public async Task REQToFile_replaces_the_file_and_REQToFileAppend_adds_to_it()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        await nodes.SendAsync(new Message { Method = Methods.ToFile, Directory = "conf", FileName = "motd", Data = "first\n"u8.ToArray() });
        await nodes.SendAsync(new Message { Method = Methods.ToFile, Directory = "conf", FileName = "motd", Data = "second\n"u8.ToArray() });
        await nodes.SendAsync(new Message { Method = Methods.ToFileAppend, Directory = "conf", FileName = "log", Data = "a\n"u8.ToArray() });
        await nodes.SendAsync(new Message { Method = Methods.ToFileAppend, Directory = "conf", FileName = "log", Data = "b\n"u8.ToArray() });

        Assert.Equal("second\n", await File.ReadAllTextAsync(nodes.ReceiverFile("conf", "motd")));
        Assert.Equal("a\nb\n", await File.ReadAllTextAsync(nodes.ReceiverFile("conf", "log")));
    }

    [Fact]
    public async Task A_file_method_whose_path_leads_out_of_the_data_folder_ends_rejected_before_it_is_run()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);
        var id = (await nodes.Sender.Outbox.AcceptAsync(new Message
        {
            ToNode = nodes.Receiver.NodeName, Method = Methods.ToFile, Directory = "ok", FileName = "x", Data = "x"u8.ToArray(),
        }))[0];
        await Wait.ForStateAsync(nodes.Sender, id, MessageStates.Done);
        var outside = Directory.CreateTempSubdirectory("steward-outside-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(nodes.Receiver.Context.FilesFolder, "escape"), outside);

        var escaping = await nodes.SendAsync(new Message { Method = Methods.ToFile, Directory = "escape", FileName = "x", Data = "pwned"u8.ToArray() },
            MessageStates.Rejected);

        var row = await nodes.Sender.Store.Queries.FindOutboundAsync(escaping, CancellationToken.None);
        Assert.Equal(1, row!.Attempts);
        Assert.Contains("leads outside the data folder through a link", row.LastError, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task REQToConsole_prints_the_data_on_the_node()
    {
        var console = new StringWriter();
        await using var nodes = await NodePair.StartAsync(broker.Url, [new ToConsoleHandler(console)]);

        await nodes.SendAsync(new Message { Method = Methods.ToConsole, Data = Encoding.UTF8.GetBytes("shown on ship") });

        Assert.Equal("shown on ship\n", console.ToString());
    }
}
