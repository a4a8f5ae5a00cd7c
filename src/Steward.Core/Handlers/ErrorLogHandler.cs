using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQErrorLog</c> on central: keeps the line in the database, appends it to
/// <c>data/errorLog/&lt;node&gt;/error.log</c>, and shows it on the stream of the message it concerns.
/// </summary>
internal sealed class ErrorLogHandler(NodeContext node, NodeStore store, NodeFiles files, TimeProvider time) : IMethodHandler
{
    public string Method => Methods.ErrorLog;

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var line = Encoding.UTF8.GetString(message.Data ?? []).TrimEnd('\n');
        var concerns = message.PreviousMessage;
        await store.AddErrorAsync(new ErrorEntry
        {
            At = time.GetUtcNow().UtcDateTime, Node = message.FromNode!, Line = line, MessageFromNode = concerns?.FromNode, MessageId = concerns?.Id,
        }).ConfigureAwait(false);
        await files.WriteAsync(["errorLog", message.FromNode, "error.log"], Encoding.UTF8.GetBytes(line + "\n"), append: true, ct).ConfigureAwait(false);
        // On the message's own stream only when it concerns one of ours that went to the reporting node (or we report
        // on our own): what the report claims about the message is checked against the stored row, not believed.
        if (concerns is { Id: > 0 } && concerns.FromNode == node.NodeName
            && await store.Queries.FindOutboundAsync(concerns.Id, ct).ConfigureAwait(false) is { } row
            && (row.ToNode == message.FromNode || message.FromNode == node.NodeName))
        {
            await store.AddEventAsync(concerns.Id, EventKinds.Error, message.FromNode!, line).ConfigureAwait(false);
            // Our relayed message could not be delivered beyond the relay node: that is its end.
            if (row.Method == Methods.Relay && row.ToNode == message.FromNode)
                await store.SetStateAsync(concerns.Id, MessageStates.Failed, error: line).ConfigureAwait(false);
        }
        return HandlerResult.Empty;
    }
}
