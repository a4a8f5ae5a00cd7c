using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.Core.Node;
using Steward.TestSupport;
using Xunit.Abstractions;

namespace Steward.Gateway.Tests.Fleet;

/// <summary>Rollouts on real agents: the concurrency a rollout keeps, and the errors that stop it.</summary>
[Collection(BrokerCollection.Name)]
public sealed class RolloutTests(NatsServerFixture broker, ITestOutputHelper output) : GatewayTest(broker)
{
    private readonly List<NodeRuntime> _agents = [];
    private readonly string _fleet = Names.Next("roll");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var agent in _agents) await agent.DisposeAsync();
    }

    private string Name(int n) => $"{_fleet}-{n:00}";

    /// <summary>Agents named &lt;fleet&gt;-01, -02, … for the numbers given.</summary>
    private async Task<List<string>> StartAgentsAsync(IEnumerable<int> numbers, Func<int, Action<StewardOptions>?>? configure = null)
    {
        _agents.AddRange(await Task.WhenAll(numbers.Select(n => TestNode.StartAsync(Broker.Url, Name(n), o =>
        {
            o.CentralNodeName = Gateway.NodeName;
            configure?.Invoke(n)?.Invoke(o);
        }))));
        return _agents.Select(a => a.NodeName).ToList();
    }

    private async Task<long> PostBatchAsync(object batch)
    {
        var posted = await Client.PostAsync("/messages/batch", JsonContent.Create(batch));
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        return (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetInt64();
    }

    private async Task<List<SseEvent>> FollowAsync(long batchId, CancellationToken ct)
    {
        var events = new List<SseEvent>();
        await foreach (var e in ServerSentEvents.ReadAsync(Client, $"/batches/{batchId}/events", ct: ct)) events.Add(e);
        return events;
    }

    [Fact]
    public async Task With_max_concurrency_3_no_more_than_3_commands_ever_run_at_once_by_their_own_clocks_and_every_node_runs_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var nodes = await StartAgentsAsync(Enumerable.Range(1, 12));

        var posted = DateTime.UtcNow;
        var batchId = await PostBatchAsync(new
        {
            toNodes = new[] { $"{_fleet}-*" }, maxConcurrency = 3, method = "REQCliCommand",
            methodArgs = new[] { "bash", "-c", "date +%s.%N; sleep 1; date +%s.%N" }, methodTimeout = 30,
        });
        var events = await FollowAsync(batchId, timeout.Token);
        var view = await Client.GetFromJsonAsync<JsonElement>($"/batches/{batchId}", timeout.Token);

        // Each command's own start and end, as it printed them.
        var runs = events.Where(e => e.Event == "reply").Select(e =>
        {
            var times = e.Field("output").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => decimal.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            return (Node: e.Field("node"), Start: times[0], End: times[1]);
        }).ToList();
        var mostAtOnce = runs.SelectMany(r => new[] { (At: r.Start, Step: 1), (At: r.End, Step: -1) })
            .OrderBy(p => p.At).ThenBy(p => p.Step)
            .Aggregate((Now: 0, Most: 0), (acc, p) => (acc.Now + p.Step, Math.Max(acc.Most, acc.Now + p.Step))).Most;
        Assert.True(mostAtOnce <= 3, $"{mostAtOnce} commands ran at once");
        Assert.Equal(nodes.Order(), runs.Select(r => r.Node).Order());
        var rollout = view.GetProperty("rollout");
        Assert.Equal(("done", 3, 4, 4, 0), (rollout.GetProperty("state").GetString(), rollout.GetProperty("concurrency").GetInt32(),
            rollout.GetProperty("waves").GetInt32(), rollout.GetProperty("wave").GetInt32(), rollout.GetProperty("errors").GetInt32()));
        var waveOf = view.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("toNode").GetString()!, m => m.GetProperty("wave").GetInt32());
        Assert.Equal([3, 3, 3, 3], waveOf.Values.GroupBy(w => w).OrderBy(g => g.Key).Select(g => g.Count()));

        // The wave timings, for the record: when each wave was released, and when its commands ran.
        var epoch = (decimal)(posted - DateTime.UnixEpoch).TotalSeconds;
        foreach (var wave in runs.GroupBy(r => waveOf[r.Node]).OrderBy(g => g.Key))
        {
            var released = events.Where(e => e.Field("state") == "queued" && e.Field("wave") == wave.Key.ToString(CultureInfo.InvariantCulture))
                .Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("at").GetDateTime()).ToList();
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "wave {0}: released {1:0.000}-{2:0.000} s after the POST; commands ran {3:0.000}-{4:0.000} s",
                wave.Key, (released.Min() - posted).TotalSeconds, (released.Max() - posted).TotalSeconds, wave.Min(r => r.Start) - epoch, wave.Max(r => r.End) - epoch));
        }
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "at most {0} commands at once", mostAtOnce));
    }

    [Fact]
    public async Task With_max_errors_2_and_four_failing_nodes_it_stops_after_the_second_error_and_cancels_the_rest_with_the_reason_on_the_stream()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var runs = new RunCounter();
        // In order: 1 ok, 2 fails (its command's exit code: the second run), 3 ok, 4 refuses the method (rejected),
        // 5 and 7 are never started (their messages would fail), 6 and 8 ok.
        var names = Enumerable.Range(1, 8).Select(Name).ToList();
        await StartAgentsAsync([1, 2, 3, 4, 6, 8], n => n == 4 ? o => o.Methods = ["REQPing"] : null);

        var batchId = await PostBatchAsync(new
        {
            toNodes = names, maxConcurrency = 1, maxErrors = 2, method = "REQCliCommand",
            methodArgs = new[] { "bash", "-c", $"echo run >> '{runs.Path}'; test \"$(wc -l < '{runs.Path}')\" -ne 2" },
            ACKTimeout = 1, retries = 1, retryWait = 1,
        });
        var events = await FollowAsync(batchId, timeout.Token);
        var view = await Client.GetFromJsonAsync<JsonElement>($"/batches/{batchId}", timeout.Token);

        var states = view.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("toNode").GetString()!, m => m.GetProperty("state").GetString());
        Assert.Equal(["done", "done", "done", "rejected", "cancelled", "cancelled", "cancelled", "cancelled"], names.Select(n => states[n]));
        Assert.Equal(3, runs.Lines.Count);   // 1, 2 and 3 ran; 4 refused; none after
        var reason = "rollout stopped: 2 errors reached maxErrors 2";
        var cancelled = events.Where(e => e.Field("state") == "cancelled").ToList();
        Assert.Equal(names.Skip(4), cancelled.Select(e => e.Field("node")));
        Assert.All(cancelled, e => Assert.Equal(reason, e.Field("error")));
        var rollout = view.GetProperty("rollout");
        Assert.Equal(("stopped", reason, 2, 4), (rollout.GetProperty("state").GetString(), rollout.GetProperty("stopReason").GetString(),
            rollout.GetProperty("errors").GetInt32(), rollout.GetProperty("wave").GetInt32()));
        Assert.Equal(1, view.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("toNode").GetString() == names[1]).GetProperty("exitCode").GetInt32());
    }
}
