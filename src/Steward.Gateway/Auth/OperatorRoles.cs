using Microsoft.AspNetCore.Authorization;

namespace Steward.Gateway.Auth;

/// <summary>
/// The two roles an operator can have, each also the name of the authorization policy that requires it: <c>read</c>
/// may use every GET, <c>operate</c> may also POST and DELETE.
/// </summary>
internal static class OperatorRoles
{
    public const string Read = "read";
    public const string Operate = "operate";

    public static readonly IReadOnlyList<string> All = [Read, Operate];

    public static void AddPolicies(AuthorizationOptions options)
    {
        options.AddPolicy(Read, policy => policy.RequireAuthenticatedUser().RequireRole(Read, Operate));
        options.AddPolicy(Operate, policy => policy.RequireAuthenticatedUser().RequireRole(Operate));
    }
}
