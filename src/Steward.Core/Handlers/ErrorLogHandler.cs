using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Outbound;
using Steward.Core.State;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQErrorLog</c> on central: keeps the line in the database, appends it to
/// <c>data/errorLog/&lt;node&gt;/error.log</c>, and shows it on the stream of the message it concerns.
/// </summary>
internal sealed class ErrorLogHandler(NodeContext node, NodeStore store, Outbox outbox, NodeFiles files, TimeProvider time) : IMethodHandler
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
        // On the message's own stream only when it concerns one of ours; the outbox checks the claim against its row.
        if (concerns is { Id: > 0 } && concerns.FromNode == node.NodeName)
            await outbox.RecordReportedErrorAsync(concerns.Id, message.FromNode!, line, failsIt: message.MethodArgs is [ErrorReport.Fails, ..], ct)
                .ConfigureAwait(false);
        return HandlerResult.Empty;
    }
}
