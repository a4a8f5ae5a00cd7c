using System.Net.Sockets;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQToSocket</c>, as the original had it: writes <c>data</c> to the Unix socket <c>methodArgs[0]</c> on this node.
/// Only a socket inside the node's files folder (<c>&lt;data&gt;/data</c>), or under a prefix the node allows
/// (<c>Steward:ToSocketPrefixes</c>), also after following links: a message must not reach any socket of the machine
/// (the Docker socket, systemd's), and never the node's own intake socket, which would make it send what it is given.
/// </summary>
internal sealed class ToSocketHandler(NodeContext node, IReadOnlyList<string> prefixes) : IMethodHandler
{
    public string Method => Methods.ToSocket;

    public string? Refusal(Message message)
    {
        if (message.MethodArgs is not [{ Length: > 0 } path]) return "methodArgs must be [\"<path of a Unix socket>\"]";
        if (!Path.IsPathRooted(path)) return $"socket path '{path}' must be absolute";
        var target = SafeFile.FollowLinks(Path.GetFullPath(path));
        if (target == SafeFile.FollowLinks(Path.GetFullPath(node.SocketPath))) return "the node's own intake socket is not a target";
        string[] allowed = [node.FilesFolder, .. prefixes];
        return allowed.Any(root => SafeFile.IsInside(SafeFile.FollowLinks(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar)), target))
            ? null
            : $"socket path '{path}' is outside the node's files folder and the allowed prefixes (Steward:ToSocketPrefixes)";
    }

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        if (Refusal(message) is { } problem) throw new MessageRejectedException(problem);   // again: a link may have changed since
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(message.MethodArgs![0]), ct).ConfigureAwait(false);
        await socket.SendAsync(message.Data ?? [], SocketFlags.None, ct).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
        return HandlerResult.Empty;
    }
}
