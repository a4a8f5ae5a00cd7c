using System.Collections.Concurrent;
using Steward.Core.Messages;

namespace Steward.Core.Handlers;

/// <summary>
/// Which served methods an operator has stopped (<c>REQOpProcessStop</c>) on this node. A stopped method's messages are
/// rejected with that reason until <c>REQOpProcessStart</c>. The Op methods themselves cannot be stopped.
/// </summary>
internal sealed class MethodSwitch(Func<string, bool> isServed)
{
    private readonly ConcurrentDictionary<string, bool> _stopped = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Stopped => _stopped.Keys.Order(StringComparer.Ordinal).ToList();

    public bool IsStopped(string method) => _stopped.ContainsKey(method);

    public void Stop(string method) => _stopped[method] = true;

    public void Start(string method) => _stopped.TryRemove(method, out _);

    public static bool CanStop(string method) => !method.StartsWith("REQOp", StringComparison.Ordinal);

    /// <summary>Why <c>methodArgs[0]</c> of an Op message cannot be switched here, or null.</summary>
    public string? Problem(Message message) => message.MethodArgs switch
    {
        [var method, ..] when !isServed(method) => $"{method} is not served by this node",
        [var method, ..] when !CanStop(method) => $"{method} cannot be stopped or started",
        [_, ..] => null,
        _ => $"{message.Method} needs a method name as methodArgs[0]",
    };
}
