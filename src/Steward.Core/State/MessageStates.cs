namespace Steward.Core.State;

/// <summary>
/// The states an operator sees a message in: <c>queued → sent → acked → replied → done</c>, or a final failure; a message
/// of a rollout starts <c>waiting</c> until the rollout releases it.
/// </summary>
public static class MessageStates
{
    /// <summary>Stored, part of a rollout that has not released it yet: never sent, and not resumed by a restart.</summary>
    public const string Waiting = "waiting";
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Retrying = "retrying";
    public const string Acked = "acked";
    public const string Replied = "replied";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string state) => state is Done or Failed or Rejected or Cancelled;

    public static readonly string[] FinalStates = [Done, Failed, Rejected, Cancelled];

    /// <summary>Whether a message in <paramref name="current"/> may move to <paramref name="next"/>: states never go back.</summary>
    public static bool CanMove(string current, string next) => !IsFinal(current) && Rank(next) >= Rank(current);

    private static int Rank(string state) => state switch
    {
        Waiting => -1,
        Queued => 0,
        Sent or Retrying => 1,
        Acked => 2,
        Replied => 3,
        _ => 4,
    };
}
