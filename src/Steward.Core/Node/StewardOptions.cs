using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Steward.Core.Messages;

namespace Steward.Core.Node;

/// <summary>The <c>Steward</c> configuration section, shared by the gateway and the agent.</summary>
public sealed class StewardOptions
{
    public const string Section = "Steward";

    // DataAnnotations formats ErrorMessage with {0} = the field name, so the rule is spelled out without braces.
    private const string NameRule = "{0} must be 1 to 64 letters, digits, '_' or '-' (no dots, spaces or wildcards)";

    [Required, RegularExpression(Messages.NodeName.Rule, ErrorMessage = NameRule)]
    public string NodeName { get; set; } = "";

    /// <summary>One or more broker URLs, comma-separated (a cluster's servers); the node fails over between them.</summary>
    [Required]
    public string Broker { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// Try the <see cref="Broker"/> URLs in the order given, the first preferred, instead of in random order (which
    /// spreads a fleet over a cluster's servers).
    /// </summary>
    public bool BrokerUrlsInOrder { get; set; }

    /// <summary>Where <c>steward.db</c>, <c>audit.log</c> and <c>data/</c> live; defaults to <c>./var/&lt;node&gt;</c>.</summary>
    public string DataFolder { get; set; } = "";

    [Required, RegularExpression(Messages.NodeName.Rule, ErrorMessage = NameRule)]
    public string CentralNodeName { get; set; } = "central";

    /// <summary>This node's user on the broker, when the broker checks users (nats/README.md); with <see cref="BrokerPassword"/>.</summary>
    public string? BrokerUser { get; set; }

    public string? BrokerPassword { get; set; }

    /// <summary>
    /// Public keys this node trusts without being told: node name → nkey (<c>U…</c>). An agent must pin its central's
    /// key here; on central, keys listed here are enrolled from the start.
    /// </summary>
    public Dictionary<string, string> TrustedKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Who may call which methods here: sender (or <c>*</c>) → method patterns; empty means the default rules.</summary>
    public Dictionary<string, string[]> Allow { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A file whose first line is the broker password: an alternative to <see cref="BrokerPassword"/> (<c>Steward__BrokerPassword</c>).</summary>
    public string? BrokerPasswordFile { get; set; }

    /// <summary>The CA (PEM) that signed the broker's certificate, for a <c>tls://</c> broker; the machine's CA store when unset.</summary>
    public string? BrokerCaFile { get; set; }

    /// <summary>This node's client certificate (PEM), for a broker that verifies clients (mTLS); with <see cref="BrokerKeyFile"/>.</summary>
    public string? BrokerCertFile { get; set; }

    public string? BrokerKeyFile { get; set; }

    /// <summary>The operator <c>admin</c>'s bearer token (gateway only); from the environment, never the command line.</summary>
    public string? ApiToken { get; set; }

    /// <summary>A file whose content is <see cref="ApiToken"/>, instead of the token itself (gateway only).</summary>
    public string? ApiTokenFile { get; set; }

    [Range(1, MessageValidator.MaxSeconds)] public int DefaultAckTimeoutSeconds { get; set; } = 10;
    [Range(0, MessageValidator.MaxRetries)] public int DefaultRetries { get; set; } = 3;
    [Range(0, MessageValidator.MaxSeconds)] public int DefaultRetryWaitSeconds { get; set; } = 5;
    [Range(1, MessageValidator.MaxSeconds)] public int DefaultMethodTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How often a reply (and an error report) is resent when its message names no <c>replyRetries</c>: with the backoff
    /// capped at 4 × ACKTimeout, 500 tries keep a reply coming for about 7 hours of outage, and a retrying message costs
    /// one row however long it retries. A request is resent <c>retries</c> times; its reply at least as patiently.
    /// </summary>
    [Range(0, MessageValidator.MaxRetries)] public int DefaultReplyRetries { get; set; } = 500;

    /// <summary>SQLite's <c>synchronous</c> level; <c>FULL</c> by default because edge devices lose power.</summary>
    [Required, RegularExpression("^(OFF|NORMAL|FULL|EXTRA)$", ErrorMessage = "Durability must be OFF, NORMAL, FULL or EXTRA")]
    public string Durability { get; set; } = "FULL";

    /// <summary>How long a node remembers a finished received message, to run a resend of it only once (default 7 days).</summary>
    [Range(1, 3650)] public int DedupRetentionDays { get; set; } = 7;

    /// <summary>
    /// How long a finished message (with its events) and an error log entry are kept (default 30 days); unfinished
    /// messages are kept however old.
    /// </summary>
    [Range(1, 36500)] public int RetentionDays { get; set; } = 30;

    /// <summary>How often a node tells central it is alive (<c>REQHello</c>); central itself does not.</summary>
    [Range(1, 86_400)] public int HelloIntervalSeconds { get; set; } = 30;

    /// <summary>A publisher with no message for this long retires; the next message for its subject starts a new one.</summary>
    [Range(1, 86_400)] public int PublisherIdleSeconds { get; set; } = 60;

    /// <summary>How often the gateway writes a comment on a quiet event stream, so proxies keep it open.</summary>
    [Range(1, 3600)] public int SseHeartbeatSeconds { get; set; } = 15;

    /// <summary>The largest request body the gateway reads (default 1 MiB).</summary>
    [Range(1024, 256L * 1024 * 1024)] public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The most messages one request may hold (an array), so a small body cannot become a flood of rows.</summary>
    [Range(1, 1_000_000)] public int MaxMessagesPerRequest { get; set; } = 1000;

    /// <summary>The most nodes one message may go to (<c>toNodes</c>/<c>toHosts</c>); raise it for a larger fleet.</summary>
    [Range(1, 1_000_000)] public int MaxNodesPerFanOut { get; set; } = 5000;

    /// <summary>
    /// (gateway) The most event streams open at once; each holds a connection and a subscription for as long as its
    /// client listens. Over it a stream is refused with 503 and Retry-After.
    /// </summary>
    [Range(1, 100_000)] public int MaxEventStreams { get; set; } = 100;

    /// <summary>
    /// The most body bytes <c>REQHttpGet</c> reads (default 512 KiB): a larger body is cut there and the reply says so.
    /// A bound on the agent's memory; a body larger than the broker's <c>max_payload</c> goes back as a reply in parts.
    /// </summary>
    [Range(1024, 48L * 1024 * 1024)] public long HttpGetMaxBytes { get; set; } = 512 * 1024;

    /// <summary>The largest inbox or startup file an agent reads (default 16 MiB); a larger one is refused unread.</summary>
    [Range(1024, 256L * 1024 * 1024)] public long InputFileMaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>When <c>audit.log</c> would grow past this (default 64 MiB), it becomes <c>audit.log.1</c> and a new one starts.</summary>
    [Range(1024, 1L << 40)] public long AuditLogMaxBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How many rotated audit logs are kept (<c>audit.log.1</c> … <c>audit.log.N</c>, default 5); the oldest is deleted.</summary>
    [Range(1, 1000)] public int AuditLogFilesKept { get; set; } = 5;

    /// <summary>
    /// Where <c>REQToSocket</c> may write besides the node's data folder: absolute folder paths whose Unix sockets it may
    /// connect to (e.g. <c>/run/myapp</c>); none by default.
    /// </summary>
    public string[] ToSocketPrefixes { get; set; } = [];

    /// <summary>
    /// The largest file <c>REQCopyFileFrom</c> sends from this node and <c>REQCopyFileTo</c> writes here (default 1 GiB);
    /// a larger one is refused before anything is read or written.
    /// </summary>
    [Range(0, 1L << 40)] public long CopyMaxBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Where <c>REQCopyFileTo</c> may write besides the node's files folder: absolute folder paths (e.g. <c>/srv/releases</c>);
    /// none by default.
    /// </summary>
    public string[] CopyToPrefixes { get; set; } = [];

    /// <summary>
    /// What this node is, for selectors (<c>role=web,site=north</c>); it tells central in its hello, with the automatic
    /// <c>os</c>, <c>arch</c> and <c>version</c>.
    /// </summary>
    public string Labels { get; set; } = "";

    /// <summary>
    /// (agent) The port of the agent's Prometheus <c>/metrics</c> (docs/metrics.md); 0, the default, serves none. It needs
    /// no token: it listens on <see cref="MetricsAddress"/>, the machine itself unless told otherwise.
    /// </summary>
    [Range(0, 65535)] public int MetricsPort { get; set; }

    /// <summary>(agent) The IP address <see cref="MetricsPort"/> listens on: <c>127.0.0.1</c> by default; <c>0.0.0.0</c> or <c>::</c> for every interface.</summary>
    public string MetricsAddress { get; set; } = "127.0.0.1";

    /// <summary>The methods this node serves; empty means every method.</summary>
    public string[] Methods { get; set; } = [];

    /// <summary>
    /// Where this node exports its traces: a collector's OTLP/HTTP address (<c>http://127.0.0.1:4318</c>); none by default,
    /// and then no spans are made (docs/traces.md; OpenTelemetry's own <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> also turns it on).
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    public string ResolvedDataFolder => Path.GetFullPath(string.IsNullOrEmpty(DataFolder) ? Path.Combine("var", NodeName) : DataFolder);

    /// <summary>Every problem with these options, one readable line each; empty when they are fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var result = new StewardOptionsValidator().Validate(null, this);
        var problems = result.Failed ? result.Failures.ToList() : [];
        problems.AddRange(Methods.Where(m => !Messages.Methods.All.Contains(m)).Select(m => $"Methods: unknown method '{m}'"));
        if (NodeName != CentralNodeName && !TrustedKeys.ContainsKey(CentralNodeName))
            problems.Add($"TrustedKeys: pin the public key of central '{CentralNodeName}' (Steward__TrustedKeys__{CentralNodeName}=U...; central prints it with --print-public-key)");
        problems.AddRange(TrustedKeys.Where(k => !Messages.NodeName.IsValid(k.Key) || !Trust.NodeKey.IsValidPublicKey(k.Value))
            .Select(k => $"TrustedKeys: '{k.Key}' must be a node name with a public nkey (U...), was '{k.Value}'"));
        if (Trust.MethodRules.Problem(Allow) is { } rulesProblem) problems.Add($"Allow: {rulesProblem}");
        if (Fleet.Labels.Parse(Labels, out var labelsProblem) is null) problems.Add($"Labels: {labelsProblem}");
        problems.AddRange(CopyToPrefixes.Where(p => !Path.IsPathRooted(p)).Select(p => $"CopyToPrefixes: '{p}' must be an absolute folder path"));

        if (!System.Net.IPAddress.TryParse(MetricsAddress, out _)) problems.Add($"MetricsAddress: '{MetricsAddress}' is not an IP address (127.0.0.1, 0.0.0.0 or :: for every interface)");
        if (Telemetry.TracingSetup.EndpointProblem(OtlpEndpoint) is { } otlpProblem) problems.Add(otlpProblem);
        problems.AddRange(BrokerUrls.Problems(Broker));
        problems.AddRange(BrokerFiles.Problems(this));
        if (ApiToken is not null && string.IsNullOrWhiteSpace(ApiToken)) problems.Add("ApiToken: an empty token would lock every operator out; leave it unset to have one made");
        if (!string.IsNullOrEmpty(ApiToken) && !string.IsNullOrEmpty(ApiTokenFile)) problems.Add("ApiToken and ApiTokenFile: set one of them, not both");
        return problems;
    }
}

[OptionsValidator]
public sealed partial class StewardOptionsValidator : IValidateOptions<StewardOptions>;
