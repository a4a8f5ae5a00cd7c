using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Steward.Gateway.Hosting;

/// <summary>
/// Turns a request the framework could not bind (a malformed id, header or body) into a 400 naming the field, in every
/// environment; anything else is left to the default handler.
/// </summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var field = (bad.InnerException as JsonException)?.Path ?? "request";
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new()
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [bad.Message] }) { Status = bad.StatusCode },
        });
    }
}
