using System.Net;
using System.Text;

namespace Steward.TestSupport;

/// <summary>
/// A real HTTP server on a free loopback port: <c>/ok</c> answers 200, <c>/slow</c> never answers, <c>/bytes/N</c> answers
/// N bytes of 'a', <c>/endless</c> sends 'a's until the client goes away, the rest 404.
/// </summary>
public sealed class LocalWebServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _serving;

    public string Url { get; private set; } = "";

    public Task StartAsync()
    {
        Url = $"http://127.0.0.1:{FreePort.Next()}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
        return Task.CompletedTask;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        switch (context.Request.Url?.AbsolutePath)
        {
            case "/ok":
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("hello from the web"));
                break;
            case "/slow":
                try { await Task.Delay(Timeout.Infinite, _stop.Token); } catch (OperationCanceledException) { }
                break;
            case { } path when path.StartsWith("/bytes/", StringComparison.Ordinal):
                var body = new byte[int.Parse(path["/bytes/".Length..], System.Globalization.CultureInfo.InvariantCulture)];
                Array.Fill(body, (byte)'a');
                await WriteOrGiveUpAsync(context, async output => await output.WriteAsync(body, _stop.Token));
                break;
            case "/endless":
                await WriteOrGiveUpAsync(context, EndlessAsync);
                break;
            default:
                context.Response.StatusCode = (int)HttpStatusCode.NotFound;
                break;
        }
        try { context.Response.Close(); } catch (HttpListenerException) { } catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// 'a's in 8 KiB chunks until the client stops reading. Paced at about 8 MB/s, so a client that buffers all of it
    /// (the bug the cap tests catch) fills memory slowly enough not to take the test machine down before it times out.
    /// </summary>
    private async Task EndlessAsync(Stream output)
    {
        var chunk = new byte[8 * 1024];
        Array.Fill(chunk, (byte)'a');
        while (true)
        {
            await output.WriteAsync(chunk, _stop.Token);
            await Task.Delay(1, _stop.Token);
        }
    }

    /// <summary>Writes the body; a client that went away, or the server stopping, just ends the answer.</summary>
    private static async Task WriteOrGiveUpAsync(HttpListenerContext context, Func<Stream, Task> write)
    {
        try { await write(context.Response.OutputStream); }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        if (_serving is not null) await _serving;
        _stop.Dispose();
    }
}
