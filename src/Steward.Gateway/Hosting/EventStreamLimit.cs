using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Steward.Gateway.Hosting;

/// <summary>
/// The most event streams open at once (<c>Steward:MaxEventStreams</c>): each holds a connection and a subscription for
/// as long as the client listens. Over the cap a stream is refused at once with 503 and <c>Retry-After</c>, not queued:
/// a queued stream would look open to the client while receiving nothing. 503 rather than 429 because the cap is the
/// gateway's capacity, shared by every operator: the refused client did not send too many requests itself.
/// </summary>
internal static class EventStreamLimit
{
    public const string Policy = "event-streams";

    /// <summary>Streams last minutes to hours; a few seconds is the soonest one is likely to have ended.</summary>
    private const int RetryAfterSeconds = 5;

    public static IServiceCollection AddEventStreamLimit(this IServiceCollection services, int max) => services.AddRateLimiter(limiter =>
        {
            limiter.AddConcurrencyLimiter(Policy, o => (o.PermitLimit, o.QueueLimit) = (max, 0));
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.OnRejected = async (context, _) =>
            {
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status503ServiceUnavailable, Title = "Too many event streams",
                        Detail = $"{max} event streams are open, the most this gateway serves (Steward:MaxEventStreams); try again after {RetryAfterSeconds} s",
                    },
                });
            };
        });

    /// <summary>Counts this endpoint's streams against the cap.</summary>
    public static RouteHandlerBuilder LimitedAsEventStream(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireRateLimiting(Policy).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
