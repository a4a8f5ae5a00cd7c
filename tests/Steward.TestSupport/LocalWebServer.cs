using System.Net;
using System.Text;

namespace Steward.TestSupport;

/// <summary>A real HTTP server on a free loopback port: <c>/ok</c> answers 200, <c>/slow</c> never answers, the rest 404.</summary>
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
            default:
                context.Response.StatusCode = (int)HttpStatusCode.NotFound;
                break;
        }
        try { context.Response.Close(); } catch (HttpListenerException) { } catch (ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        if (_serving is not null) await _serving;
        _stop.Dispose();
    }
}
