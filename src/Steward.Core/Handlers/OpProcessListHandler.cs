using System.Text.Json;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Handlers;

/// <summary><c>REQOpProcessList</c>: replies with the node's publishers, subscriber and in-flight messages, as JSON.</summary>
internal sealed class OpProcessListHandler(Func<ProcessList> snapshot) : IMethodHandler
{
    public string Method => Methods.OpProcessList;

    public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct) =>
        Task.FromResult(new HandlerResult(JsonSerializer.SerializeToUtf8Bytes(snapshot(), StewardJson.Default.ProcessList)));
}
