using System.Diagnostics;
using Steward.Core.Messages;

namespace Steward.Core.Telemetry;

/// <summary>
/// Steward's spans (docs/traces.md): <c>publish</c> where a node delivers a message, <c>handle</c> where a node runs
/// one, linked across nodes by the message's <c>traceParent</c>. Made with <see cref="ActivitySource"/>, so they cost
/// nothing unless a listener (the OpenTelemetry SDK, when an exporter is configured) takes them.
/// </summary>
public static class StewardTracing
{
    public const string SourceName = "Steward";

    internal static readonly ActivitySource Source = new(SourceName, typeof(StewardTracing).Assembly.GetName().Version?.ToString());

    public const string W3CRule = "a W3C traceparent: 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>, lowercase, ids not all zeros";

    /// <summary>The span context <paramref name="traceParent"/> names, or null when it is missing or not a W3C traceparent.</summary>
    public static ActivityContext? Parse(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context)
        && context.TraceId != default && context.SpanId != default
            ? context
            : null;

    /// <summary><paramref name="traceParent"/> when it is a valid W3C traceparent, else null: a malformed one is not passed on.</summary>
    public static string? Valid(string? traceParent) => Parse(traceParent) is null ? null : traceParent;

    /// <summary>
    /// The traceparent of the span this code runs in, for a message sent from here: a span that is recorded, or one that
    /// continues a trace it was given (a client's <c>traceparent</c> header, whose sampling decision goes on with it). Null
    /// outside any span, and for a span made only locally and not recorded: ASP.NET Core makes one per request even
    /// with tracing off, and its "not sampled" would make the receivers, whose tracing may be on, record nothing.
    /// </summary>
    internal static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: var id } span && (span.Recorded || span.HasRemoteParent) ? id : null;

    /// <summary>
    /// The span of one delivery of <paramref name="message"/> by <paramref name="node"/> (its attempts and their ACK),
    /// a child of the span it was accepted in; null when no one listens, and for hellos (a heartbeat, not an operation).
    /// </summary>
    internal static Activity? StartPublish(Message message, string node) =>
        message.Method == Methods.Hello ? null : Start($"publish {message.Method}", ActivityKind.Producer, message, node, [
            new("messaging.system", "nats"),
            new("messaging.operation.type", "send"),
            new("messaging.destination.name", Subjects.For(message.ToNode!, message.Method!)),
        ]);

    /// <summary>
    /// The span of running <paramref name="message"/> on <paramref name="node"/>, a child of the sender's publish span;
    /// null when no one listens, and for hellos.
    /// </summary>
    internal static Activity? StartHandle(Message message, string node, bool resumed) =>
        message.Method == Methods.Hello ? null : Start($"handle {message.Method}", ActivityKind.Consumer, message, node, [
            new("messaging.system", "nats"),
            new("messaging.operation.type", "process"),
            new("steward.resumed", resumed),
        ]);

    /// <summary>Marks <paramref name="activity"/> as failed with <paramref name="reason"/>.</summary>
    internal static void Fail(Activity? activity, string reason) => activity?.SetStatus(ActivityStatusCode.Error, reason);

    private static Activity? Start(string name, ActivityKind kind, Message message, string node, KeyValuePair<string, object?>[] more)
    {
        if (!Source.HasListeners()) return null;
        // Never the ambient span as parent: a long-lived loop (a publisher, a supervised task) carries the span that
        // happened to start it. The parent is the message's own, or none: a new trace.
        Activity.Current = null;
        KeyValuePair<string, object?>[] tags =
        [
            new("steward.node", node),
            new("steward.message.id", message.Id),
            new("steward.method", message.Method),
            new("steward.from_node", message.FromNode),
            new("steward.to_node", message.ToNode),
            new("steward.is_reply", message.IsReply),
            .. more,
        ];
        return Source.StartActivity(name, kind, Parse(message.TraceParent) ?? default, tags);
    }
}
