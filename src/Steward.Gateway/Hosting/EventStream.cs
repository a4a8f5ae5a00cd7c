using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace Steward.Gateway.Hosting;

/// <summary>
/// A server-sent event stream: <c>event</c>, <c>data</c> (one JSON line) and <c>id</c> (the stored sequence, for
/// <c>Last-Event-ID</c>) per item, and a comment line whenever it has been quiet for the heartbeat interval, which
/// <c>TypedResults.ServerSentEvents</c> cannot write.
/// </summary>
internal sealed class EventStream<T>(IAsyncEnumerable<T> items, Func<T, (string Event, long Id)> describe, JsonTypeInfo<T> json, TimeSpan heartbeat)
    : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.Body.FlushAsync(httpContext.RequestAborted);
        var ct = httpContext.RequestAborted;
        await using var events = items.GetAsyncEnumerator(ct);
        var next = events.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                if (await Task.WhenAny(next, Task.Delay(heartbeat, ct)) != next)
                {
                    await WriteAsync(response, ": heartbeat\n\n", ct);
                    continue;
                }
                if (!await next) return;
                var (name, id) = describe(events.Current);
                await WriteAsync(response, string.Create(CultureInfo.InvariantCulture,
                    $"event: {name}\ndata: {JsonSerializer.Serialize(events.Current, json)}\nid: {id}\n\n"), ct);
                next = events.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);   // let the reader finish before disposing it
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
