using System.Security.Cryptography;
using Steward.Core.Node;

namespace Steward.Gateway.Auth;

/// <summary>
/// Who may call the gateway: the operator <c>admin</c> (see <see cref="OperatorToken"/>) and the operators of
/// <c>operators.json</c>, read again when that file changes, so <c>operators add</c> needs no restart. A presented
/// token is hashed and compared with every known hash in constant time.
/// </summary>
internal sealed partial class Operators
{
    private sealed record Known(string Name, string Role, byte[] Hash);

    private sealed record Snapshot(DateTime WrittenAt, long Length, IReadOnlyList<Known> FromFile);

    private readonly Known? _admin;
    private readonly OperatorsFile _file;
    private readonly ILogger _logger;
    private volatile Snapshot _snapshot;

    private Operators(Known? admin, OperatorsFile file, ILogger logger)
    {
        _admin = admin;
        _file = file;
        _logger = logger;
        _snapshot = ReadFile();
    }

    /// <summary>Reads both sources at start; a broken operators.json or token file is a <see cref="StewardStartupException"/>.</summary>
    public static Operators Load(StewardOptions options, ILogger logger)
    {
        var file = new OperatorsFile(options.ResolvedDataFolder);
        var adminToken = OperatorToken.Load(options, haveOperators: file.Read().Count > 0, logger);
        var admin = adminToken is null ? null : new Known(OperatorEntry.Admin, OperatorRoles.Operate, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(adminToken)));
        var operators = new Operators(admin, file, logger);
        Log.Loaded(logger, operators._snapshot.FromFile.Count, file.Path, admin is not null);
        return operators;
    }

    /// <summary>The operator whose token this is, as (name, role), or null.</summary>
    public (string Name, string Role)? Find(string token)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
        Known? found = null;
        // Every hash is compared, so the time taken does not tell which operator (or how many) came close.
        foreach (var known in Current())
            if (CryptographicOperations.FixedTimeEquals(hash, known.Hash)) found = known;
        return found is null ? null : (found.Name, found.Role);
    }

    private IEnumerable<Known> Current()
    {
        var snapshot = _snapshot;
        var info = new FileInfo(_file.Path);
        var (writtenAt, length) = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
        if (writtenAt != snapshot.WrittenAt || length != snapshot.Length)
        {
            try
            {
                _snapshot = snapshot = ReadFile();
                Log.Reloaded(_logger, snapshot.FromFile.Count, _file.Path);
            }
            catch (Exception e) when (e is StewardStartupException or IOException)
            {
                Log.ReloadFailed(_logger, _file.Path, e.Message);   // keep the operators known so far
            }
        }
        return _admin is null ? snapshot.FromFile : snapshot.FromFile.Prepend(_admin);
    }

    private Snapshot ReadFile()
    {
        var info = new FileInfo(_file.Path);
        var (writtenAt, length) = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
        var entries = _file.Read().Select(e => new Known(e.Name, e.Role, Convert.FromHexString(e.Sha256))).ToList();
        return new Snapshot(writtenAt, length, entries);
    }

    private static partial class Log
    {
        [LoggerMessage(9003, LogLevel.Information, "{Count} operator(s) from {Path}; operator admin: {HaveAdmin}")]
        public static partial void Loaded(ILogger logger, int count, string path, bool haveAdmin);

        [LoggerMessage(9004, LogLevel.Information, "{Path} changed: {Count} operator(s) now")]
        public static partial void Reloaded(ILogger logger, int count, string path);

        [LoggerMessage(9005, LogLevel.Warning, "{Path} changed but cannot be read; keeping the operators known so far: {Problem}")]
        public static partial void ReloadFailed(ILogger logger, string path, string problem);
    }
}
