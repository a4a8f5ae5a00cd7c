using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Steward.Core.Node;

namespace Steward.Gateway.Hosting;

/// <summary>
/// A server-sent event stream: <c>event</c>, <c>data</c> (one JSON line) and <c>id</c> (the stored sequence, for
/// <c>Last-Event-ID</c>) per item, and a comment line whenever it has been quiet for the heartbeat interval, which
/// <c>TypedResults.ServerSentEvents</c> cannot write.
/// </summary>
internal sealed class EventStream<T>(IAsyncEnumerable<T> items, Func<T, (string Event, long Id)> describe, JsonTypeInfo<T> json, TimeSpan heartbeat)
    : IResult
{
    /// <summary>Streams, counted among the open streams (<c>steward_gateway_event_streams</c>) while it runs.</summary>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var metrics = httpContext.RequestServices.GetRequiredService<NodeRuntime>().Metrics;
        metrics.EventStream(+1);
        try
        {
            await StreamAsync(httpContext);
        }
        finally
        {
            metrics.EventStream(-1);
        }
    }

    private async Task StreamAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.Body.FlushAsync(httpContext.RequestAborted);
        var ct = httpContext.RequestAborted;
        await using var events = items.GetAsyncEnumerator(ct);
        var next = events.MoveNextAsync().AsTask();
        // One timer for the stream, not one per event: a burst of thousands of events (a fan-out's) would leave as many
        // timers waiting out the interval. When it fires after a write, it waits out the rest of the interval from that write.
        var lastWrite = TimeProvider.System.GetTimestamp();
        var quiet = Task.Delay(heartbeat, ct);
        try
        {
            while (true)
            {
                if (await Task.WhenAny(next, quiet) != next)
                {
                    var sinceWrite = TimeProvider.System.GetElapsedTime(lastWrite);
                    if (sinceWrite >= heartbeat)
                    {
                        Write(response, ": heartbeat\n\n");
                        await response.BodyWriter.FlushAsync(ct);
                        lastWrite = TimeProvider.System.GetTimestamp();
                        sinceWrite = TimeSpan.Zero;
                    }
                    quiet = Task.Delay(heartbeat - sinceWrite, ct);
                    continue;
                }
                if (!await next)
                {
                    await response.BodyWriter.FlushAsync(ct);
                    return;
                }
                var (name, id) = describe(events.Current);
                Write(response, string.Create(CultureInfo.InvariantCulture,
                    $"event: {name}\ndata: {JsonSerializer.Serialize(events.Current, json)}\nid: {id}\n\n"));
                lastWrite = TimeProvider.System.GetTimestamp();
                next = events.MoveNextAsync().AsTask();
                // Flushed when nothing more is ready: a burst goes out in a few writes to the socket, not one per event.
                if (!next.IsCompleted) await response.BodyWriter.FlushAsync(ct);
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

    /// <summary>Into the response's buffer; nothing goes out before the next flush.</summary>
    private static void Write(HttpResponse response, string text) => response.BodyWriter.Write(Encoding.UTF8.GetBytes(text));
}
