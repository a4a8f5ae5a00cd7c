using Steward.Core.Fleet;

namespace Steward.Core.Messages;

/// <summary>
/// The fields central resolves where a message enters and that never travel: a selector, name patterns in
/// <c>toNodes</c>/<c>toHosts</c> and <c>onlyOnline</c> (against its node registry), and rollout control
/// (<c>maxConcurrency</c>, <c>maxErrors</c>, <c>batchSleepSeconds</c>, for a batch). Checked here for their form, and for
/// whether the entry point can resolve them at all.
/// </summary>
internal static class IntakeFields
{
    public static void Validate(Message message, EntryPoint entry, Action<string, string> add)
    {
        ValidateTargets(message, entry, add);
        ValidateRollout(message, entry, add);
    }

    private static void ValidateTargets(Message message, EntryPoint entry, Action<string, string> add)
    {
        var targets = new List<(string Field, string What)>();
        if (message.Selector is { } selector)
        {
            if (Selector.Parse(selector, out var problem) is null) add("selector", problem!);
            targets.Add(("selector", "a selector"));
        }
        foreach (var (field, nodes) in new[] { ("toNodes", message.ToNodes), ("toHosts", message.ToHosts) })
            if ((nodes ?? []).FirstOrDefault(n => n is not null && NamePattern.IsValid(n)) is { } pattern)
                targets.Add((field, $"the name pattern '{pattern}'"));
        if (message.OnlyOnline) targets.Add(("onlyOnline", "onlyOnline"));
        foreach (var (field, what) in targets)
        {
            switch (entry)
            {
                case EntryPoint.Wire:
                    add(field, $"{what} is resolved where the message enters, on central; it never travels between nodes");
                    break;
                case EntryPoint.NodeInput:
                    add(field, $"{what} needs central's node registry, which this node does not have: name the nodes, " +
                               "or post the message to central (POST /messages/batch resolves it)");
                    break;
            }
        }
    }

    private static void ValidateRollout(Message message, EntryPoint entry, Action<string, string> add)
    {
        var given = new List<string>();
        if (message.MaxConcurrency is { } concurrency)
        {
            if (!CountOrPercent.IsValid(concurrency)) add("maxConcurrency", $"maxConcurrency must be {CountOrPercent.Rule}, was '{concurrency}'");
            given.Add("maxConcurrency");
        }
        if (message.MaxErrors is { } errors)
        {
            if (!CountOrPercent.IsValid(errors)) add("maxErrors", $"maxErrors must be {CountOrPercent.Rule}, was '{errors}'");
            given.Add("maxErrors");
        }
        if (message.BatchSleepSeconds != 0)
        {
            if (message.BatchSleepSeconds is < 0 or > MessageValidator.MaxSeconds)
                add("batchSleepSeconds", $"batchSleepSeconds must be between 0 and {MessageValidator.MaxSeconds}, was {message.BatchSleepSeconds}");
            given.Add("batchSleepSeconds");
        }
        if (entry == EntryPoint.CentralBatch)
        {
            // Without a limit on concurrency every node is sent to at once: nothing would be left to stop or to wait for.
            foreach (var field in given.Where(f => f != "maxConcurrency" && message.MaxConcurrency is null))
                add(field, $"{field} paces a rollout: give maxConcurrency too ({CountOrPercent.Rule})");
            return;
        }
        foreach (var field in given)
            add(field, entry == EntryPoint.CentralMessages
                ? $"{field} controls a rollout, which is a batch: POST /messages/batch"
                : $"{field} controls a rollout, which central runs: POST /messages/batch");
    }
}
