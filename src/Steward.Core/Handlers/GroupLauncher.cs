namespace Steward.Core.Handlers;

/// <summary>
/// What a command is started through so that it leads a process group of its own, whose id is its pid
/// (<see cref="ProcessGroup"/> kills the group whole). Linux: <c>setsid</c> (util-linux). macOS has no setsid command;
/// its perl (part of every macOS) calls setsid(2) and execs the command in the same process, so the pid stays the
/// command's. Windows: nothing; a Job Object holds the command's tree there (<see cref="JobObject"/>).
/// </summary>
internal static class GroupLauncher
{
    public static readonly IReadOnlyList<string> Setsid = ["setsid"];

    // `exec { $ARGV[0] } @ARGV` never goes through a shell, also for a single word; `--` ends perl's own switches.
    public static readonly IReadOnlyList<string> Perl =
        ["/usr/bin/perl", "-MPOSIX", "-e", "POSIX::setsid() or die qq(setsid: $!\\n); exec { $ARGV[0] } @ARGV or die qq(cannot run $ARGV[0]: $!\\n)", "--"];

    /// <summary>What this platform puts before a command's argv.</summary>
    public static IReadOnlyList<string> Prefix { get; } = OperatingSystem.IsLinux() ? Setsid : OperatingSystem.IsMacOS() ? Perl : [];

    /// <summary>The launcher's name, for an error that says the command could not be started through it.</summary>
    public static string Name => Prefix.Count > 0 ? Prefix[0] : "CreateProcess";
}
