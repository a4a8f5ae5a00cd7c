namespace Steward.Core.State;

/// <summary>
/// One entry of central's error log: the line as the reporting node wrote it (<c>&lt;time&gt;, node: &lt;node&gt;, &lt;text&gt;</c>),
/// and the message it concerns when there is one.
/// </summary>
public sealed class ErrorEntry
{
    public long Seq { get; set; }
    public DateTime At { get; set; }
    public required string Node { get; set; }
    public required string Line { get; set; }
    public string? MessageFromNode { get; set; }
    public long? MessageId { get; set; }
}
