using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Steward.Bench;

/// <summary>
/// (j) What a broker-side durable queue costs: JetStream publish until the server's ack, on a stream with file storage
/// on a nats-server of its own. The server acks once the message is written to its file, not fsynced (nats-server
/// fsyncs its file store every <c>sync_interval</c>, 2 minutes by default), so it compares with SQLite's <c>NORMAL</c>.
/// </summary>
internal sealed class JetStreamPublish(string url) : IAsyncDisposable
{
    private const string Subject = "bench.js";
    private readonly NatsConnection _connection = new(NatsOpts.Default with { Url = url, Name = "bench-jetstream" });
    private NatsJSContext? _js;

    public async Task StartAsync()
    {
        _js = new NatsJSContext(_connection);
        await _js.CreateStreamAsync(new StreamConfig("BENCH", [Subject]) { Storage = StreamConfigStorage.File });
    }

    public async Task PublishAsync(byte[] payload) => (await _js!.PublishAsync(Subject, payload)).EnsureSuccess();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
