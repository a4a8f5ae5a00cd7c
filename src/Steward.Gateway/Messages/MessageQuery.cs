using Microsoft.AspNetCore.Mvc;
using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Gateway.Messages;

/// <summary>The filters of <c>GET /messages</c>, checked so a typo is a 400 naming the parameter, not an empty list.</summary>
public sealed record MessageQuery(
    [FromQuery(Name = "node")] string? Node, [FromQuery(Name = "state")] string? State, [FromQuery(Name = "method")] string? Method,
    [FromQuery(Name = "limit")] int? Limit, [FromQuery(Name = "after")] long? After)
{
    public const int MaxLimit = 500;

    private static readonly string[] States =
    [
        MessageStates.Waiting, MessageStates.Queued, MessageStates.Sent, MessageStates.Retrying, MessageStates.Acked, MessageStates.Replied,
        MessageStates.Done, MessageStates.Failed, MessageStates.Rejected, MessageStates.Cancelled,
    ];

    public Dictionary<string, string[]> Problems()
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Node is not null && !NodeName.IsValid(Node)) problems["node"] = [$"node must match {NodeName.Rule}"];
        if (State is not null && !States.Contains(State)) problems["state"] = [$"state must be one of {string.Join(", ", States)}"];
        if (Method is not null && !Methods.All.Contains(Method)) problems["method"] = [$"unknown method '{Method}'"];
        if (Limit is < 1 or > MaxLimit) problems["limit"] = [$"limit must be between 1 and {MaxLimit}"];
        return problems;
    }
}
