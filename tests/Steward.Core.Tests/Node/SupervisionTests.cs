using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Handlers;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.State;
using Steward.TestSupport;

namespace Steward.Core.Tests.Node;

[Collection(BrokerCollection.Name)]
public sealed class SupervisionTests(NatsServerFixture broker)
{
    private sealed class CrashingConsole : IMethodHandler
    {
        public string Method => Methods.ToConsole;

        public Task<HandlerResult> HandleAsync(Message message, CancellationToken ct) => throw new InvalidOperationException("console is on fire");
    }

    [Fact]
    public async Task A_crashing_handler_fails_only_its_own_message_and_central_hears_of_it()
    {
        var central = Names.Next("central");
        await using var sender = await TestNode.StartAsync(broker.Url, central, o => o.CentralNodeName = central);
        await using var receiver = await TestNode.StartAsync(broker.Url, Names.Next("ship"), o => o.CentralNodeName = central, [new CrashingConsole()]);

        var ids = await sender.Outbox.AcceptAsync(
        [
            new Message { ToNode = receiver.NodeName, Method = Methods.ToConsole, Data = "hi"u8.ToArray() },
            new Message { ToNode = receiver.NodeName, Method = Methods.CliCommand, MethodArgs = ["echo", "still fine"] },
        ]);

        await Wait.ForStateAsync(sender, ids[1], MessageStates.Done);
        await Until.TrueAsync("central's error log names the crash", async () =>
            (await sender.Store.Queries.ErrorsAsync(0, CancellationToken.None)).Any(e =>
                e.Node == receiver.NodeName && e.MessageId == ids[0] && e.Line.Contains("console is on fire", StringComparison.Ordinal)));
        var errorLog = await File.ReadAllTextAsync(Path.Combine(sender.Context.FilesFolder, "errorLog", receiver.NodeName, "error.log"));
        Assert.Contains($", node: {receiver.NodeName}, REQToConsole: handler crashed: InvalidOperationException: console is on fire (message {central}/{ids[0]})", errorLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crashing_loop_is_restarted_within_its_budget_and_then_reported_and_stopped()
    {
        await using var supervisor = new TaskSupervisor(TimeProvider.System, NullLogger.Instance);
        var reports = new List<string>();
        var runs = 0;

        supervisor.RunLoop("flaky loop", _ => Interlocked.Increment(ref runs) > 0 ? throw new IOException("disk gone") : Task.CompletedTask);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var (_, text) in supervisor.Crashes.ReadAllAsync(deadline.Token))
        {
            reports.Add(text);
            if (text.Contains("more than", StringComparison.Ordinal)) break;
        }
        Assert.Equal(TaskSupervisor.RestartBudget + 1, runs);
        Assert.Equal(TaskSupervisor.RestartBudget + 2, reports.Count);   // each crash, then the giving up
        Assert.All(reports.Take(runs), r => Assert.Equal("flaky loop crashed: IOException: disk gone", r));
    }
}
