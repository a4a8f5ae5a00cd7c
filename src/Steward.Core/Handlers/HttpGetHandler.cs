using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary><c>REQHttpGet</c>: GETs the URL in <c>methodArgs[0]</c> within <c>methodTimeout</c> and replies with the body.</summary>
internal sealed class HttpGetHandler(HttpClient http) : IMethodHandler
{
    public string Method => Methods.HttpGet;

    public async Task<HandlerResult> HandleAsync(Message message, CancellationToken ct)
    {
        var url = message.MethodArgs![0];
        try
        {
            using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new HandlerResult(body)
                : new HandlerResult(body, Error: $"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (HttpRequestException e)
        {
            return new HandlerResult(null, Error: $"GET {url} failed: {e.Message}");
        }
    }
}
