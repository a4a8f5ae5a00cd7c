using System.Text;
using Steward.Core.Node;
using Steward.Core.State;

namespace Steward.Gateway.Auth;

/// <summary>
/// The token of the operator <c>admin</c> (role <c>operate</c>): from <c>Steward:ApiToken</c> or <c>Steward:ApiTokenFile</c>,
/// or kept in <c>&lt;data&gt;/api-token</c> (mode 0600), which the gateway makes on first start when there is neither and
/// no operator in <c>operators.json</c>. Only the file's path is ever logged, never the token.
/// </summary>
internal static partial class OperatorToken
{
    public const string FileName = "api-token";

    /// <summary>The admin token, or null when operators.json names every operator.</summary>
    public static string? Load(StewardOptions options, bool haveOperators, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.ApiToken)) return options.ApiToken;
        if (!string.IsNullOrEmpty(options.ApiTokenFile)) return FromFile(options.ApiTokenFile);
        var path = Path.Combine(options.ResolvedDataFolder, FileName);
        if (File.Exists(path))
        {
            Log.Using(logger, path);
            return FromFile(path);
        }
        if (haveOperators) return null;
        var fresh = OperatorEntry.NewToken();
        OwnerOnly.WriteWhole(path, file => file.Write(Encoding.UTF8.GetBytes(fresh + "\n")));
        Log.Generated(logger, path);
        return fresh;
    }

    private static string FromFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StewardStartupException($"ApiTokenFile: cannot read {path}: {e.Message}");
        }
        return text.Length > 0 ? text : throw new StewardStartupException($"ApiTokenFile: {path} is empty");
    }

    private static partial class Log
    {
        [LoggerMessage(9001, LogLevel.Warning, "No operator token configured: made one and stored it in {Path} (mode 0600); send it as 'Authorization: Bearer <token>'")]
        public static partial void Generated(ILogger logger, string path);

        [LoggerMessage(9002, LogLevel.Information, "Operator token read from {Path}")]
        public static partial void Using(ILogger logger, string path);
    }
}
