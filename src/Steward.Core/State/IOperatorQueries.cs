namespace Steward.Core.State;

/// <summary>The reads behind the operator's API: what was sent, what happened to it, and what the node knows of the fleet.</summary>
public interface IOperatorQueries
{
    Task<OutboundMessage?> FindOutboundAsync(long id, CancellationToken ct);

    /// <summary>Outbound messages, newest first, filtered; <paramref name="before"/> is the paging cursor (an id).</summary>
    Task<IReadOnlyList<OutboundMessage>> ListOutboundAsync(string? node, string? state, string? method, long? before, int limit, CancellationToken ct);

    Task<IReadOnlyList<MessageEvent>> EventsAsync(long id, long afterSeq, CancellationToken ct, int limit = int.MaxValue);

    /// <summary>The messages of one fan-out, by node.</summary>
    Task<IReadOnlyList<OutboundMessage>> BatchAsync(long batchId, CancellationToken ct);

    /// <summary>The messages of one fan-out that are not final yet, and how many it has in all: what its stream waits for.</summary>
    Task<(int Total, IReadOnlyList<long> Open)> BatchOpenAsync(long batchId, CancellationToken ct);

    /// <summary>What a fan-out was asked for and resolved to, and its rollout; null for an unknown one (or one sent before they were recorded).</summary>
    Task<BatchEntry?> BatchEntryAsync(long batchId, CancellationToken ct);

    Task<IReadOnlyList<MessageEvent>> BatchEventsAsync(long batchId, long afterSeq, CancellationToken ct, int limit = int.MaxValue);

    Task<IReadOnlyList<ErrorEntry>> ErrorsAsync(long afterSeq, CancellationToken ct, int limit = int.MaxValue);

    Task<IReadOnlyList<NodeEntry>> NodesAsync(CancellationToken ct);

    /// <summary>The labels operators set on central, by node.</summary>
    Task<IReadOnlyList<NodeLabelsEntry>> NodeLabelsAsync(CancellationToken ct);

    /// <summary>Whether the file takes a write lock now (the health check).</summary>
    Task<bool> IsWritableAsync(CancellationToken ct);
}
