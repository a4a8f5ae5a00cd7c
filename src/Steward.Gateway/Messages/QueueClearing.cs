using Microsoft.AspNetCore.Mvc;
using Steward.Core.Messages;
using Steward.Core.Outbound;
using Steward.Core.State;

namespace Steward.Gateway.Messages;

/// <summary>The filters of <c>DELETE /messages</c>: at least one, so a queue is never cleared whole by accident.</summary>
public sealed record QueueClearing(
    [FromQuery(Name = "node")] string? Node, [FromQuery(Name = "state")] string? State, [FromQuery(Name = "olderThan")] string? OlderThan)
{
    private static readonly string[] Unfinished =
        [MessageStates.Waiting, MessageStates.Queued, MessageStates.Sent, MessageStates.Retrying, MessageStates.Acked, MessageStates.Replied];

    public Dictionary<string, string[]> Problems()
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Node is null && State is null && OlderThan is null)
            problems["node"] = ["give node, state or olderThan (or several): every queue at once is not cleared by accident"];
        if (Node is not null && !NodeName.IsValid(Node)) problems["node"] = [$"node must match {NodeName.Rule}"];
        if (State is not null && !Unfinished.Contains(State)) problems["state"] = [$"state must be one of {string.Join(", ", Unfinished)}"];
        if (OlderThan is not null && !Durations.TryParse(OlderThan, out _)) problems["olderThan"] = [$"olderThan must be {Durations.Rule}"];
        return problems;
    }

    public QueueFilter Filter() => new(Node, State, Durations.TryParse(OlderThan, out var age) ? age : null);
}

/// <summary>What <c>DELETE /messages</c> cancelled.</summary>
public sealed record CancelledMessages(int Count, IReadOnlyList<long> Ids);
