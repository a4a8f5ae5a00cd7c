using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Tests.Handlers;

public sealed class ToSocketHandlerTests
{
    private readonly NodeContext _node = new("ship1", Directory.CreateTempSubdirectory("steward-sock-").FullName);

    private string? RefusalFor(string path, params string[] prefixes) =>
        new ToSocketHandler(_node, prefixes).Refusal(new Message { FromNode = "ops", ToNode = "ship1", Method = Methods.ToSocket, MethodArgs = [path] });

    [Fact]
    public void The_nodes_own_intake_socket_is_never_a_target_even_through_a_link_or_a_prefix()
    {
        Directory.CreateDirectory(_node.FilesFolder);
        File.CreateSymbolicLink(Path.Combine(_node.FilesFolder, "looks-harmless.sock"), _node.SocketPath);

        Assert.NotNull(RefusalFor(_node.SocketPath));
        Assert.NotNull(RefusalFor(_node.SocketPath, _node.DataFolder));
        Assert.NotNull(RefusalFor(Path.Combine(_node.FilesFolder, "looks-harmless.sock")));
        Assert.Null(RefusalFor(Path.Combine(_node.FilesFolder, "app.sock")));
    }

    [Fact]
    public void A_link_whose_target_passes_through_another_link_is_followed_to_the_end()
    {
        var outside = Directory.CreateTempSubdirectory("steward-outside-").FullName;
        var hop = Directory.CreateTempSubdirectory("steward-hop-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(hop, "out"), outside);
        Directory.CreateDirectory(_node.FilesFolder);
        File.CreateSymbolicLink(Path.Combine(_node.FilesFolder, "x.sock"), Path.Combine(hop, "out", "docker.sock"));

        Assert.NotNull(RefusalFor(Path.Combine(_node.FilesFolder, "x.sock"), hop));   // hop/out/… is really outside/…
        Assert.Null(RefusalFor(Path.Combine(outside, "app.sock"), outside));
        Assert.NotNull(RefusalFor("/run2/app.sock", "/run"));
    }
}
