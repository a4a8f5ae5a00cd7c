using System.Runtime.InteropServices;

namespace Steward.Core.Handlers;

/// <summary>
/// The process group a command leads (its id is the leader's pid) and when, in which boot, the leader started. A node
/// records it before it waits on the command, so after a crash it can find the command still running and stop it, and a
/// pid handed to another process since is not mistaken for it.
/// </summary>
public sealed partial record ProcessGroup(int Id, string Boot, long StartTicks)
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(2);

    public enum Stopped
    {
        WasNotRunning,
        Terminated,
        Killed,
        StillRunning,
    }

    /// <summary>The group <paramref name="leader"/> leads, or null when the leader has already exited.</summary>
    /// <summary>
    /// The mark of a command about to start, recorded and committed before it does for a message that must not run twice
    /// (<c>rerunOnRestart: false</c>): after a crash it counts as started though its group was never known.
    /// </summary>
    public static ProcessGroup Starting => new(0, ProcStat.BootId, 0);

    public static ProcessGroup? Led(int leader) =>
        ProcStat.Read(leader) is { } stat ? new ProcessGroup(leader, ProcStat.BootId, stat.StartTicks) : null;

    /// <summary>
    /// The live processes of this group, zombies left out; none when the group has ended. When the leader's pid is now
    /// another process (another start time or boot) the group has ended: Linux never hands out a pid that still names a
    /// process group. When the leader has exited, the processes still in the group are taken as its children if none
    /// started before it; only a group that ended and whose id was made a new group during the node's downtime could
    /// pass for it.
    /// </summary>
    public IReadOnlyList<int> Remaining()
    {
        if (Id <= 0 || Boot != ProcStat.BootId) return [];
        if (ProcStat.Read(Id) is { } leader && leader.StartTicks != StartTicks) return [];
        var members = ProcStat.All().Where(p => p.Group == Id).ToList();
        return members.Any(p => p.StartTicks < StartTicks) ? [] : members.Where(p => !p.IsZombie).Select(p => p.Pid).ToList();
    }

    /// <summary>Stops what is left of the group: SIGTERM, up to <paramref name="grace"/> to exit, then SIGKILL.</summary>
    public async Task<Stopped> StopAsync(TimeSpan grace, TimeProvider time, CancellationToken ct)
    {
        if (Remaining().Count == 0) return Stopped.WasNotRunning;
        Signal(Id, SigTerm);
        if (await EndsWithinAsync(grace, time, ct).ConfigureAwait(false)) return Stopped.Terminated;
        Signal(Id, SigKill);
        return await EndsWithinAsync(KillWait, time, ct).ConfigureAwait(false) ? Stopped.Killed : Stopped.StillRunning;
    }

    private async Task<bool> EndsWithinAsync(TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        var end = time.GetUtcNow() + limit;
        while (Remaining().Count > 0)
        {
            if (time.GetUtcNow() >= end) return false;
            await Task.Delay(Poll, time, ct).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>Sends <paramref name="signal"/> to every process of group <paramref name="id"/>; fails harmlessly when it is gone.</summary>
    public static void Signal(int id, int signal) => _ = Kill(-id, signal);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
