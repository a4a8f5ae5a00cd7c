using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Tests.Messages;

public sealed class MessageLimitsTests
{
    private static readonly StewardOptions Options = new() { NodeName = "central", DefaultMethodTimeoutSeconds = 10 };

    [Fact]
    public void A_copy_without_a_methodTimeout_has_no_time_limit_while_a_command_gets_the_nodes_default()
    {
        Assert.Equal(-1, MessageLimits.WithDefaults(new Message { ToNode = "ship1", Method = Methods.CopyFileFrom }, Options).MethodTimeout);
        Assert.Equal(10, MessageLimits.WithDefaults(new Message { ToNode = "ship1", Method = Methods.CliCommand }, Options).MethodTimeout);
        Assert.Equal(600, MessageLimits.WithDefaults(new Message { ToNode = "ship1", Method = Methods.CopyFileFrom, MethodTimeout = 600 }, Options).MethodTimeout);
    }
}
