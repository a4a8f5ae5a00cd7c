namespace Steward.Core.Node;

/// <summary>What a handler may know about the node it runs on.</summary>
public sealed record NodeContext(string NodeName, string DataFolder)
{
    /// <summary>Where file-writing methods put results: <c>&lt;data&gt;/data</c>.</summary>
    public string FilesFolder => Path.Combine(DataFolder, "data");

    /// <summary>The agent's intake socket, <c>&lt;data&gt;/steward.sock</c>: what arrives there is sent as this node's own.</summary>
    public string SocketPath => Path.Combine(DataFolder, "steward.sock");
}
