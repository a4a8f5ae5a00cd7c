using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Steward.TestSupport;

/// <summary>What an operator does with curl, as helpers: post JSON, follow a message's events, read its state.</summary>
public static class GatewayClient
{
    public static async Task<long[]> PostMessagesAsync(this HttpClient client, string json, CancellationToken ct = default)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/messages", content, ct);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"POST /messages answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }

    /// <summary>Every event of a message until its stream ends (the message is final).</summary>
    public static async Task<List<SseEvent>> ReadEventsUntilFinalAsync(this HttpClient client, long id, CancellationToken ct)
    {
        var events = new List<SseEvent>();
        await foreach (var e in ServerSentEvents.ReadAsync(client, $"/messages/{id}/events", ct: ct)) events.Add(e);
        return events;
    }

    public static async Task<string?> StateOfAsync(this HttpClient client, long id, CancellationToken ct = default) =>
        (await client.GetFromJsonAsync<JsonElement>($"/messages/{id}", ct)).GetProperty("state").GetString();

    public static string Field(this SseEvent e, string name) =>
        JsonDocument.Parse(e.Data).RootElement.TryGetProperty(name, out var value) ? value.ToString() : "";
}
