using Steward.Core.Messages;
using Steward.Core.State;

namespace Steward.Core.Outbound;

/// <summary>The outbox's part in a copy a node sends (<c>REQCopyFileFrom</c>): its chunks, stored once, and their ends.</summary>
public sealed partial class Outbox
{
    /// <summary>
    /// Stores and sends chunk <paramref name="chunk"/> of copy <paramref name="copyId"/>, recording in the same commit that
    /// it is stored, so a restart never stores it again; gives its id.
    /// </summary>
    internal async Task<long> SendChunkAsync(Message message, long copyId, int chunk) =>
        (await StoreAndSendAsync(new OutboundBatch(PerNode([message]), CopyChunk: (copyId, chunk)), null, CancellationToken.None).ConfigureAwait(false))
        .Single().Id;

    /// <summary>Waits until message <paramref name="id"/> is final (done, failed, rejected or cancelled) and gives its row.</summary>
    internal async Task<OutboundMessage> FinalAsync(long id, CancellationToken ct)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(long changedId, string state)
        {
            if (changedId == id && MessageStates.IsFinal(state)) changed.TrySetResult();
        }
        _store.StateChanged += OnChange;   // before the read: a change committed after it is heard
        try
        {
            var row = await _store.Reads.FindOutboundAsync(id, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"message {id} is not stored");
            if (MessageStates.IsFinal(row.State)) return row;
            await changed.Task.WaitAsync(ct).ConfigureAwait(false);
            return (await _store.Reads.FindOutboundAsync(id, ct).ConfigureAwait(false))!;
        }
        finally
        {
            _store.StateChanged -= OnChange;
        }
    }
}
