using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Steward.TestSupport;

/// <summary>One server-sent event as a client sees it.</summary>
public sealed record SseEvent(string Event, string Data, string? Id);

/// <summary>A minimal SSE client: reads events from a stream until it ends or the token fires.</summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(HttpClient client, string url, string? lastEventId = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
        string eventName = "message", id = "";
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0) yield return new SseEvent(eventName, data.ToString(), id);
                eventName = "message";
                data.Clear();
                continue;
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(data.Length > 0 ? "\n" : "").Append(line[6..]);
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
        }
    }
}
