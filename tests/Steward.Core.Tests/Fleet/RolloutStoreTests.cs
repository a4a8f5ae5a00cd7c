using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Steward.Core.Fleet;
using Steward.Core.Messages;
using Steward.Core.Outbound;
using Steward.Core.State;

namespace Steward.Core.Tests.Fleet;

/// <summary>A rollout's steps in a real node file: what it releases, what counts as an error, and the stop.</summary>
public sealed class RolloutStoreTests
{
    [Fact]
    public async Task Failed_rejected_and_a_non_zero_exit_code_are_errors_and_the_limit_cancels_what_still_waits_in_the_same_commit()
    {
        await using var store = new NodeStore(Directory.CreateTempSubdirectory("steward-rollout-").FullName, "FULL", TimeProvider.System, NullLogger.Instance);
        var nodes = Enumerable.Range(1, 6).Select(i => $"n{i}").ToList();
        var fanOut = new FanOut(null, ["n*"], false, nodes, new RolloutPlan("2", 2, "3", 3, 0));
        var messages = nodes.Select(n => new Message { FromNode = "central", ToNode = n, Method = Methods.CliCommand, MethodArgs = ["true"] }).ToList();

        var (stored, first) = await store.AddFanOutAsync(new OutboundBatch(messages), fanOut, CancellationToken.None);
        var batch = stored[0].Id;
        Assert.Equal(["n1", "n2"], first!.Released.Select(m => m.ToNode));
        Assert.Equal(MessageStates.Waiting, (await store.Queries.FindOutboundAsync(stored[2].Id, CancellationToken.None))!.State);

        await store.SetStateAsync(stored[0].Id, MessageStates.Failed, error: "no ACK");
        await store.SetStateAsync(stored[1].Id, MessageStates.Rejected, error: "not served");
        var second = await store.AdvanceRolloutAsync(batch);
        Assert.Equal(["n3", "n4"], second!.Released.Select(m => m.ToNode));
        Assert.Equal(2, (await store.Queries.FindOutboundAsync(stored[3].Id, CancellationToken.None))!.Wave);

        await store.AddOutboundAsync(new OutboundBatch([], Reply: new RecordedReply(stored[2].Id, "n3", "", ExitCode: 3, Last: true)), CancellationToken.None);
        var stop = await store.AdvanceRolloutAsync(batch);

        var reason = "rollout stopped: 3 errors reached maxErrors 3";
        Assert.Equal((RolloutStates.Stopped, 0, true), (stop!.State, stop.Released.Count, stop.Active));   // n4 is still on its way
        var rows = (await store.Queries.BatchAsync(batch, CancellationToken.None)).ToDictionary(r => r.ToNode);
        Assert.Equal(("done", 3), (rows["n3"].State, rows["n3"].ExitCode));
        Assert.Equal(MessageStates.Queued, rows["n4"].State);
        Assert.All(new[] { rows["n5"], rows["n6"] }, r => Assert.Equal((MessageStates.Cancelled, reason), (r.State, r.LastError)));
        var entry = (await store.Queries.BatchEntryAsync(batch, CancellationToken.None))!;
        Assert.Equal((RolloutStates.Stopped, 3, 2, reason), (entry.RolloutState, entry.Errors, entry.Wave, entry.StopReason));
        Assert.Equal(nodes, JsonSerializer.Deserialize(entry.Nodes, StewardJson.Default.StringArray));
        var events = await store.Queries.BatchEventsAsync(batch, 0, CancellationToken.None);
        Assert.Equal([1, 1, 2, 2], events.Where(e => e.State == MessageStates.Queued).Select(e => e.Wave ?? 0));
        Assert.Equal(6, events.Count(e => e.State == MessageStates.Waiting));
    }
}
