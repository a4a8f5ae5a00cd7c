using NATS.Client.Core;

namespace Steward.Bench;

/// <summary>(a) The baseline: NATS.Net request/reply with a responder that answers at once, no persistence.</summary>
internal sealed class RawNats(string url) : IAsyncDisposable
{
    private readonly NatsConnection _requester = new(NatsOpts.Default with { Url = url, Name = "bench-requester" });
    private readonly NatsConnection _responder = new(NatsOpts.Default with { Url = url, Name = "bench-responder" });
    private INatsSub<byte[]>? _subscription;
    private Task? _answering;

    public async Task StartAsync()
    {
        _subscription = await _responder.SubscribeCoreAsync<byte[]>("bench.raw");
        _answering = Task.Run(async () =>
        {
            await foreach (var msg in _subscription.Msgs.ReadAllAsync()) await msg.ReplyAsync("ack"u8.ToArray());
        });
        await _requester.ConnectAsync();
        await _responder.PingAsync();
    }

    public async Task RequestAsync(byte[] payload) => await _requester.RequestAsync<byte[], byte[]>("bench.raw", payload);

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null) await _subscription.UnsubscribeAsync();
        if (_answering is not null) await _answering;
        await _requester.DisposeAsync();
        await _responder.DisposeAsync();
    }
}
