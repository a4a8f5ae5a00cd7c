using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Steward.Gateway.Auth;

/// <summary>
/// Accepts <c>Authorization: Bearer &lt;token&gt;</c> with the token of a known operator (see <see cref="Operators"/>), as
/// a user with the operator's name and role; anything else gets a 401 problem. What a role may do is the policies' job.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Operators operators, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        string? presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim()
            : IsEventStream(Request) ? Request.Query["access_token"].ToString() : null;
        if (string.IsNullOrEmpty(presented)) return Task.FromResult(AuthenticateResult.NoResult());
        if (operators.Find(presented) is not { } known) return Task.FromResult(AuthenticateResult.Fail("wrong token"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, known.Name), new Claim(ClaimTypes.Role, known.Role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>A browser's EventSource cannot send headers, so event streams also take the token as <c>?access_token=</c>.</summary>
    private static bool IsEventStream(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) == true;

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized",
                Detail = "Send the operator token as 'Authorization: Bearer <token>' (see the gateway's start-up log for where it is kept).",
            },
        });
    }
}
