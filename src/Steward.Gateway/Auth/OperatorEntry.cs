using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Steward.Gateway.Auth;

/// <summary>One operator in <c>operators.json</c>: a name, a role, and the SHA-256 of the token (never the token).</summary>
internal sealed partial record OperatorEntry(string Name, string Role, string Sha256)
{
    public const string NameRule = "[A-Za-z0-9_.@-]{1,64}";

    /// <summary>The operator of <c>Steward:ApiToken</c>, <c>Steward:ApiTokenFile</c> or <c>&lt;data&gt;/api-token</c>.</summary>
    public const string Admin = "admin";

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>The lower-case hex SHA-256 of a token's UTF-8 bytes.</summary>
    /// <summary>A new token: 32 random bytes, base64url without padding.</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>What is wrong with this entry, or null when it is fine.</summary>
    public string? Problem() =>
        !IsValidName(Name ?? "") ? $"operator name '{Name}' must match {NameRule}"
        : !OperatorRoles.All.Contains(Role) ? $"operator '{Name}': role must be {string.Join(" or ", OperatorRoles.All)}"
        : Sha256 is not { Length: 64 } || !Sha256.All(char.IsAsciiHexDigit) ? $"operator '{Name}': sha256 must be 64 hex digits"
        : null;

    [GeneratedRegex($"^{NameRule}$")]
    private static partial Regex NamePattern();
}
