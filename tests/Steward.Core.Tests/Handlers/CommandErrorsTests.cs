using Steward.Core.Messages;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

[Collection(BrokerCollection.Name)]
public sealed class CommandErrorsTests(NatsServerFixture broker)
{
    [Fact]
    public async Task A_failing_command_still_replies_and_central_logs_its_stderr_and_exit_code()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        var id = await nodes.SendAsync(new Message { Method = Methods.CliCommand, MethodArgs = ["bash", "-c", "echo partial; echo disk full >&2; exit 4"] });

        var reply = Assert.Single(await nodes.RepliesAsync(id));
        Assert.Equal(("partial\n", 4), (reply.Output, reply.ExitCode));
        var error = await nodes.ErrorAboutAsync(id, "REQCliCommand: exit code 4: disk full");
        Assert.Equal(nodes.Receiver.NodeName, error.Node);
    }

    [Fact]
    public async Task A_command_over_its_method_timeout_is_killed_and_central_logs_the_timeout()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        var id = await nodes.SendAsync(new Message { Method = Methods.CliCommand, MethodArgs = ["sleep", "30"], MethodTimeout = 1 });

        await nodes.ErrorAboutAsync(id, "REQCliCommand: method timed out after 1s: sleep 30");
        Assert.Null(Assert.Single(await nodes.RepliesAsync(id)).ExitCode);
    }
}
