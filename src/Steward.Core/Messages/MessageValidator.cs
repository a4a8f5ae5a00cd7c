using Steward.Core.Fleet;

namespace Steward.Core.Messages;

/// <summary>
/// The one validator for every entry point (REST, inbox, socket, wire). Errors are keyed by wire field name,
/// so an operator sees exactly which field to fix.
/// </summary>
public static class MessageValidator
{
    public const int MaxSeconds = 7 * 24 * 3600;
    public const int MaxRetries = 100_000;
    public const int MaxScheduledRuns = 10_000;

    /// <summary>The longest a message (or its reply) may keep being resent: 30 days of outage.</summary>
    public const long MaxRetryHorizonSeconds = 30L * 24 * 3600;

    /// <summary>The longest wait between two attempts: the backoff grows up to ACKTimeout × 4 (or retryWait), never beyond a day.</summary>
    public static long BackoffCapSeconds(int ackTimeout, int retryWait) => Math.Min(Math.Max(retryWait, ackTimeout * 4L), 24 * 3600);

    /// <summary>How long <paramref name="retries"/> resends may take at worst: every attempt's ACK timeout and every wait at its cap.</summary>
    public static long RetryHorizonSeconds(int retries, int ackTimeout, int retryWait) =>
        (retries + 1L) * ackTimeout + retries * BackoffCapSeconds(ackTimeout, retryWait);

    /// <summary>Every problem of <paramref name="message"/>, by wire field name, for a message entering at <paramref name="entry"/>.</summary>
    public static Dictionary<string, string[]> Validate(Message message, EntryPoint entry = EntryPoint.Wire)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string error) => errors[field] = [.. errors.GetValueOrDefault(field, []), error];

        ValidateDestinations(message, Add);
        IntakeFields.Validate(message, entry, Add);
        ValidateMethod("method", message.Method, required: true, Add);
        ValidateMethod("replyMethod", message.ReplyMethod, required: false, Add);
        ValidateMethod("relayReplyMethod", message.RelayReplyMethod, required: false, Add);
        if (message.Method is Methods.CliCommand or Methods.CliCommandCont && message.MethodArgs is not { Length: > 0 })
            Add("methodArgs", $"{message.Method} needs the command as methodArgs, e.g. [\"bash\",\"-c\",\"uptime\"]");
        if (message.Method == Methods.HttpGet && !IsHttpUrl(message.MethodArgs))
            Add("methodArgs", "REQHttpGet needs an absolute http or https URL as methodArgs[0]");
        foreach (var (field, args) in new[] { ("methodArgs", message.MethodArgs), ("replyMethodArgs", message.ReplyMethodArgs) })
            if (args is not null && Array.IndexOf(args, null) is var at and >= 0) Add(field, $"{field}[{at}] is null; every argument is a string");
        if (message.MethodArgs is null || Array.IndexOf(message.MethodArgs, null) < 0) ValidateCopy(message, Add);
        if (message.FromNode is not null && !NodeName.IsValid(message.FromNode))
            Add("fromNode", $"fromNode must match {NodeName.Rule}");
        if (message.RelayViaNode is not null && !NodeName.IsValid(message.RelayViaNode))
            Add("relayViaNode", $"relayViaNode must match {NodeName.Rule}");

        Range("ACKTimeout", message.AckTimeout, 0, MaxSeconds, Add);
        Range("replyACKTimeout", message.ReplyACKTimeout, 0, MaxSeconds, Add);
        Range("retryWait", message.RetryWait, 0, MaxSeconds, Add);
        Range("retries", message.Retries, 0, MaxRetries, Add);
        Range("replyRetries", message.ReplyRetries, 0, MaxRetries, Add);
        Range("methodTimeout", message.MethodTimeout, -1, MaxSeconds, Add);
        Range("replyMethodTimeout", message.ReplyMethodTimeout, -1, MaxSeconds, Add);
        // Unset limits (0) take the node's defaults, which are this small or smaller: 10 s ACK timeout, 5 s wait.
        if (RetryHorizonSeconds(message.Retries, Or(message.AckTimeout, 10), Or(message.RetryWait, 5)) > MaxRetryHorizonSeconds)
            Add("retries", $"retries × (ACKTimeout + wait) may last at most {MaxRetryHorizonSeconds / 86400} days");
        if (RetryHorizonSeconds(message.ReplyRetries, Or(message.ReplyACKTimeout, Or(message.AckTimeout, 10)), Or(message.RetryWait, 5)) > MaxRetryHorizonSeconds)
            Add("replyRetries", $"replyRetries × (replyACKTimeout + wait) may last at most {MaxRetryHorizonSeconds / 86400} days");

        if (SafePath.Problem(message.Directory, allowSubfolders: true) is { } directoryProblem) Add("directory", directoryProblem);
        if (SafePath.Problem(message.FileName, allowSubfolders: false) is { } fileProblem) Add("fileName", fileProblem);
        if (message.Schedule is { } schedule && (schedule.Length != 2 || schedule[0] <= 0 || schedule[1] < 0))
            Add("schedule", "schedule is [everySeconds, forSeconds] with everySeconds > 0 and forSeconds >= 0");
        else if (message.Schedule is [var every, var total] && (total > MaxSeconds || total / every > MaxScheduledRuns))
            Add("schedule", $"a schedule lasts at most {MaxSeconds} seconds and runs at most {MaxScheduledRuns} times");
        return errors;
    }

    /// <summary>A message that arrived over the wire must also say who sent it and under which id.</summary>
    public static Dictionary<string, string[]> ValidateReceived(Message message)
    {
        var errors = Validate(message);
        if (message.FromNode is null) errors["fromNode"] = ["fromNode is required on the wire"];
        if (message.Id <= 0) errors["id"] = ["id must be a positive number set by the sending node"];
        return errors;
    }

    private static void ValidateDestinations(Message message, Action<string, string> add)
    {
        if (message.ToNode is null && message.ToNodes is not { Length: > 0 } && message.ToHosts is not { Length: > 0 } && message.Selector is null)
        {
            add("toNode", "toNode (or toNodes/toHosts, or a selector) is required");
            return;
        }
        if (message.ToNode is { } toNode && !NodeName.IsValid(toNode))
            add("toNode", $"toNode '{toNode}' must match {NodeName.Rule}" + (NamePattern.IsPattern(toNode) ? " (name patterns go in toNodes)" : ""));
        foreach (var (field, nodes) in new[] { ("toNodes", message.ToNodes), ("toHosts", message.ToHosts) })
            foreach (var node in nodes ?? [])
                if (!NodeName.IsValid(node) && !(node is not null && NamePattern.IsValid(node))) add(field, $"'{node}' must match {NodeName.Rule}, or be {NamePattern.Rule}");
    }

    private static void ValidateCopy(Message message, Action<string, string> add)
    {
        var problem = message.Method switch
        {
            Methods.CopyFileFrom => CopyArgs.ParseFrom(message.MethodArgs).Problem,
            Methods.CopyFileTo => CopyArgs.ParseTo(message.MethodArgs, message.Data?.Length ?? 0).Problem,
            _ => null,
        };
        if (problem is not null) add("methodArgs", problem);
        if (message.Method == Methods.CopyFileFrom && message.Schedule is not null)
            add("schedule", "REQCopyFileFrom does not run on a schedule: every run would be the same copy");
    }

    private static bool IsHttpUrl(string[]? args) =>
        args is [var url, ..] && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void ValidateMethod(string field, string? method, bool required, Action<string, string> add)
    {
        if (method is null)
        {
            if (required) add(field, $"{field} is required, e.g. {Methods.CliCommand}");
        }
        else if (!Methods.All.Contains(method))
        {
            add(field, $"unknown method '{method}'");
        }
    }

    private static int Or(int value, int unset) => value > 0 ? value : unset;

    private static void Range(string field, int value, int min, int max, Action<string, string> add)
    {
        if (value < min || value > max) add(field, $"{field} must be between {min} and {max}, was {value}");
    }
}
