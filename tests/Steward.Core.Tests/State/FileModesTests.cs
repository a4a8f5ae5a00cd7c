using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.State;

[Collection(BrokerCollection.Name)]
public sealed class FileModesTests(NatsServerFixture broker)
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task After_a_message_wrote_a_file_the_node_folders_are_0700_and_its_files_0600()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        await nodes.SendAsync(new Message { Method = Methods.ToFile, Directory = "etc", FileName = "motd", Data = "private\n"u8.ToArray() });

        var data = nodes.Receiver.Context.DataFolder;
        var written = nodes.ReceiverFile("etc", "motd");
        foreach (var folder in new[] { data, nodes.Receiver.Context.FilesFolder, Path.GetDirectoryName(Path.GetDirectoryName(written))!, Path.GetDirectoryName(written)! })
            Assert.Equal((folder, Folder), (folder, File.GetUnixFileMode(folder)));
        await Until.TrueAsync("the audit log is written", () => File.Exists(Path.Combine(data, "audit.log")));
        foreach (var file in new[] { written, Path.Combine(data, "steward.db"), Path.Combine(data, "steward.db-wal"), Path.Combine(data, "steward.db-shm"), Path.Combine(data, "audit.log") })
            Assert.Equal((file, File0600), (file, File.GetUnixFileMode(file)));
    }

    [Fact]
    public async Task A_data_folder_left_open_by_an_older_version_is_tightened_at_start()
    {
        var data = Directory.CreateTempSubdirectory("steward-old-").FullName;
        var open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(data, open);
        var old = Directory.CreateDirectory(Path.Combine(data, "data", "etc"), open).FullName;
        var oldFile = Path.Combine(old, "notes");
        await File.WriteAllTextAsync(oldFile, "old\n");
        File.SetUnixFileMode(oldFile, File0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var node = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.DataFolder = data);

        Assert.Equal(Folder, File.GetUnixFileMode(data));
        Assert.Equal(Folder, File.GetUnixFileMode(old));
        Assert.Equal(File0600, File.GetUnixFileMode(oldFile));
    }
}
