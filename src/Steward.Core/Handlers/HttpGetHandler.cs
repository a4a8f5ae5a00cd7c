using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// <c>REQHttpGet</c>: GETs the URL in <c>methodArgs[0]</c> within <c>methodTimeout</c> and replies with the body. The body
/// is read as it arrives and at most <paramref name="maxBytes"/> of it: a larger (or endless) one is cut there, the reply
/// holds what was read and the error names the cap.
/// </summary>
internal sealed class HttpGetHandler(HttpClient http, long maxBytes) : IMethodHandler
{
    public string Method => Methods.HttpGet;

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var url = message.MethodArgs![0];
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var (body, whole) = await ReadAtMostAsync(response.Content, ct).ConfigureAwait(false);
            var error = !response.IsSuccessStatusCode ? $"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}"
                : !whole ? $"GET {url}: the body is larger than {maxBytes} bytes (Steward:HttpGetMaxBytes); the reply holds the first {maxBytes}"
                : null;
            return new HandlerResult(body, Error: error);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new HandlerResult(null, Error: $"GET {url} failed: {e.Message}");
        }
    }

    /// <summary>The body up to <c>maxBytes</c>, and whether that was all of it (one byte more is read to tell).</summary>
    private async Task<(byte[] Body, bool Whole)> ReadAtMostAsync(HttpContent content, CancellationToken ct)
    {
        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var buffer = new byte[64 * 1024];
            for (int read; body.Length <= maxBytes
                 && (read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, maxBytes + 1 - body.Length)), ct).ConfigureAwait(false)) > 0;)
                body.Write(buffer, 0, read);
            var whole = body.Length <= maxBytes;
            if (!whole) body.SetLength(maxBytes);
            return (body.ToArray(), whole);
        }
    }
}
