using System.Text;
using Steward.Core.Messages;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Handlers;

[Collection(BrokerCollection.Name)]
public sealed class CommandStreamTests(NatsServerFixture broker)
{
    [Fact]
    public async Task REQCliCommandCont_streams_output_in_order_while_the_command_runs()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        var id = await nodes.SendAsync(new Message
        {
            Method = Methods.CliCommandCont, MethodArgs = ["bash", "-c", "for i in 1 2 3 4 5; do echo line $i; sleep 0.3; done"], MethodTimeout = 20,
        });

        var replies = await nodes.RepliesAsync(id);
        Assert.True(replies.Count >= 3, $"expected the output in several replies, got {replies.Count}");
        Assert.Equal("line 1\nline 2\nline 3\nline 4\nline 5\n", string.Concat(replies.Select(r => r.Output)));
        Assert.Equal(0, replies[^1].ExitCode);
    }

    [Fact]
    public async Task REQCliCommandCont_stops_at_the_method_timeout_and_kills_the_process_tree()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);
        var marker = $"steward-cont-{Guid.NewGuid():N}";

        var id = await nodes.SendAsync(new Message
        {
            Method = Methods.CliCommandCont, MethodTimeout = 2,
            MethodArgs = ["bash", "-c", $"(exec -a {marker}-child sleep 300) & while true; do echo tick; sleep 0.2; done"],
        });

        Assert.Contains("tick\n", string.Concat((await nodes.RepliesAsync(id)).Select(r => r.Output)), StringComparison.Ordinal);
        await Until.TrueAsync("no process of the command is left", () => !Processes.WithCommandLine(marker).Any());
    }

    [Fact]
    public async Task A_scheduled_command_runs_again_and_again_and_each_run_replies()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);

        var id = await nodes.SendAsync(new Message { Method = Methods.CliCommand, MethodArgs = ["echo", "tick"], Schedule = [1, 3] }, timeout: TimeSpan.FromSeconds(30));

        var replies = await nodes.RepliesAsync(id);
        Assert.InRange(replies.Count, 3, 4);
        Assert.All(replies, r => Assert.Equal("tick\n", r.Output));
    }

    [Fact]
    public async Task A_command_as_reply_method_gets_the_output_in_STEWARD_DATA_and_never_runs_it()
    {
        await using var nodes = await NodePair.StartAsync(broker.Url);
        var proof = Path.Combine(Directory.CreateTempSubdirectory("steward-inject-").FullName, "pwned");
        var result = Path.Combine(Directory.CreateTempSubdirectory("steward-chain-").FullName, "result.txt");

        await nodes.SendAsync(new Message
        {
            Method = Methods.CliCommand,
            MethodArgs = ["printf", "%s", $"$(touch {proof}); touch {proof}; `touch {proof}`"],
            ReplyMethod = Methods.CliCommand,
            ReplyMethodArgs = ["bash", "-c", $"echo \"{{{{STEWARD_DATA}}}}\" > {result}; echo PATH=$PATH >> {result}"],
        });

        var lines = await File.ReadAllLinesAsync(result);
        Assert.Equal($"$(touch {proof}); touch {proof}; `touch {proof}`", lines[0]);
        Assert.Contains($"PATH={Environment.GetEnvironmentVariable("PATH")}", lines);
        Assert.False(File.Exists(proof), "the output was run as shell code");
    }
}
