using System.ComponentModel;
using System.Text.Json.Serialization;
using Steward.Core.Fleet;

namespace Steward.Core.Messages;

/// <summary>A Steward message: the wire contract, with field names as in the original project.</summary>
public sealed record Message
{
    public long Id { get; init; }
    public string? ToNode { get; init; }
    public string[]? ToNodes { get; init; }

    /// <summary>Alias of <see cref="ToNodes"/> kept from the original; the intake merges the two.</summary>
    public string[]? ToHosts { get; init; }

    // Fleet targeting and rollout control: resolved by central where the message enters, never on the wire.

    [Description("Intake only, on central: a label selector (role=web,site!=south, role in (web,db)); its nodes are added to toNode/toNodes/toHosts. " +
                 "toNodes/toHosts may also hold name patterns (ship*, web-?).")]
    public string? Selector { get; init; }

    [Description("Intake only, on central: send only to the nodes seen within two hello intervals (GET /nodes' online).")]
    public bool OnlyOnline { get; init; }

    [JsonConverter(typeof(CountOrPercent.JsonConverter))]
    public string? MaxConcurrency { get; init; }

    [JsonConverter(typeof(CountOrPercent.JsonConverter))]
    public string? MaxErrors { get; init; }

    [Description("POST /messages/batch with maxConcurrency: seconds between waves; each wave of maxConcurrency nodes waits until the one before ended.")]
    public int BatchSleepSeconds { get; init; }

    public string? FromNode { get; init; }
    public string? Method { get; init; }
    public string[]? MethodArgs { get; init; }
    public string? ReplyMethod { get; init; }
    public string[]? ReplyMethodArgs { get; init; }

    [JsonPropertyName("ACKTimeout")]
    public int AckTimeout { get; init; }

    public int Retries { get; init; }
    public int RetryWait { get; init; }
    public int ReplyACKTimeout { get; init; }
    public int ReplyRetries { get; init; }
    public int MethodTimeout { get; init; }
    public int ReplyMethodTimeout { get; init; }
    public string? Directory { get; init; }
    public string? FileName { get; init; }
    [JsonConverter(typeof(DataConverter))]
    public byte[]? Data { get; init; }
    public string? RelayViaNode { get; init; }
    public string? RelayReplyMethod { get; init; }
    public int[]? Schedule { get; init; }
    public bool IsReply { get; init; }
    public Message? PreviousMessage { get; init; }
    public int ReplySeq { get; init; }
    public bool ReplyLast { get; init; }

    /// <summary>
    /// On a reply too large for one broker message: which part of the one result this is (0, 1, …), so the reply method
    /// joins the parts; null on a whole reply.
    /// </summary>
    public int? ReplyPart { get; init; }
    public int? ExitCode { get; init; }
    public byte[]? ArgSignature { get; init; }

    /// <summary>When the origin created the message (Unix ms); signed, so a replay after the dedup memory expired is refused.</summary>
    public long CreatedAt { get; init; }

    /// <summary>On a message a relay node forwards: the origin's message exactly as the origin signed it.</summary>
    public byte[]? Origin { get; init; }

    /// <summary>
    /// Whether the receiving node runs the message again when it restarts with the message unfinished (the default,
    /// null, is yes). With false, the message ends there instead, reported as interrupted by the restart.
    /// </summary>
    public bool? RerunOnRestart { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the span the message was sent in, so its handling on the receiver joins the sender's
    /// trace (docs/traces.md). Set by the sending node; signed with the rest. A receiver ignores one it cannot parse.
    /// </summary>
    [Description("Set by the node that sends the message: the W3C traceparent of the span it is sent in (docs/traces.md). " +
                 "In input it must be a valid traceparent; a node that is in a span of its own (the gateway's HTTP request) sends its own instead.")]
    public string? TraceParent { get; init; }

    /// <summary>
    /// The sender's ed25519 signature of this message's JSON without this field. Declared last, so it is the last field
    /// on the wire and the signed bytes are the payload up to it (see <see cref="Trust.SignedJson"/>).
    /// </summary>
    public byte[]? Signature { get; init; }

    /// <summary>This message as another message quotes it (<c>previousMessage</c>): without its data, signature and what it quotes.</summary>
    public Message Summary() => this with { Data = null, PreviousMessage = null, Origin = null, Signature = null };

    /// <summary>
    /// Who asked for this message to run, and under which of their ids: its sender, or for a message a relay node
    /// forwarded, the origin. Cancels and running methods are keyed by it, so a relay cannot act in the origin's name.
    /// </summary>
    public (string Node, long Id) AskedBy() =>
        !IsReply && Origin is { } bytes && System.Text.Json.JsonSerializer.Deserialize(bytes, StewardJson.Default.Message) is { FromNode: { } origin } asked
            ? (origin, asked.Id)
            : (FromNode ?? "", Id);

    /// <summary>Whether the message names nodes central resolves: a selector, or a name pattern in <c>toNodes</c>/<c>toHosts</c>.</summary>
    public bool HasTargetsToResolve() =>
        Selector is not null || (ToNodes ?? []).Concat(ToHosts ?? []).Any(n => n is not null && NamePattern.IsPattern(n));

    /// <summary>Every node this message goes to: <c>toNode</c> plus <c>toNodes</c>/<c>toHosts</c>, without repeats.</summary>
    public IReadOnlyList<string> Destinations() =>
        new[] { ToNode }.Concat(ToNodes ?? []).Concat(ToHosts ?? [])
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
}
