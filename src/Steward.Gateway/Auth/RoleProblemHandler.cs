using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Steward.Gateway.Auth;

/// <summary>
/// A known operator without the role an endpoint's policy requires gets a 403 problem naming the role needed and the
/// one the operator has; everything else is left to the default handler.
/// </summary>
internal sealed class RoleProblemHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var needed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>()
            .SelectMany(r => r.AllowedRoles).Distinct().ToList() ?? [];
        var user = context.User;
        var has = user.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value ?? "none";
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden, Title = "Forbidden",
                Detail = $"{context.Request.Method} {context.Request.Path} needs the role '{string.Join("' or '", needed)}'; " +
                         $"operator '{user.Identity?.Name}' has the role '{has}'",
            },
        });
    }
}
