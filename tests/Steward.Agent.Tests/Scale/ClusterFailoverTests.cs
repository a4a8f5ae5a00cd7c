using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Steward.TestSupport;
using Xunit.Abstractions;

namespace Steward.Agent.Tests.Scale;

/// <summary>
/// A 3-server nats-server cluster on loopback (routes), the gateway on server A and an agent each on B and C, as real
/// processes, every node given all three URLs. Server B is killed with SIGKILL while commands are on their way and
/// started again on the same ports. Kills its own servers, so it runs alone.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed partial class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int A = 0, B = 1, C = 2;
    private const int Batches = 10, BatchSize = 10;   // 100 commands, numbered 1..100: odd ones to the agent on B, even ones to C's
    private const string Token = "cluster-test";
    private const int MessageQueryLimit = 500;

    private readonly NatsCluster _cluster = new(3);
    private readonly RunCounter _runs = new();
    private readonly Dictionary<int, long> _idOf = [];
    private readonly List<(string Name, HostProcess Process)> _hosts = [];
    private readonly StringBuilder _timeline = new();
    private HttpClient _client = null!;

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var (_, process) in _hosts) await process.DisposeAsync();
        _client?.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Killing_the_server_of_an_agent_mid_run_loses_no_command_runs_none_twice_and_the_gateway_stays_healthy()
    {
        var central = Names.Next("central");
        var shipB = Names.Next("ship");
        var shipC = Names.Next("ship");
        var centralData = Directory.CreateTempSubdirectory("steward-central-").FullName;
        var shipBData = Directory.CreateTempSubdirectory("steward-shipB-").FullName;
        var shipCData = Directory.CreateTempSubdirectory("steward-shipC-").FullName;
        TestFleet.EnrollFolder(central, centralData);
        TestFleet.EnrollFolder(shipB, shipBData);
        TestFleet.EnrollFolder(shipC, shipCData);
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var environment = new Dictionary<string, string> { ["Steward__ApiToken"] = Token };
        _client = new HttpClient { BaseAddress = new Uri(url) };
        _client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        // Each node is given every server, its own first, in that order: so each starts on the server the test meant.
        string[] Node(string name, string data, int server) =>
            ["--node", name, "--central", central, "--broker", _cluster.UrlsFrom(server), "--data", data, "--Steward:BrokerUrlsInOrder=true"];

        try
        {
            // One after the other: two hosts starting at once on a busy 2-core machine can miss HostProcess's 30 s.
            var agentB = await StartAsync("agent-B", HostProcess.Agent, environment, Node(shipB, shipBData, B));
            await StartAsync("agent-C", HostProcess.Agent, environment, Node(shipC, shipCData, C));
            await StartAsync("gateway", HostProcess.Gateway, environment, [.. Node(central, centralData, A), "--urls", url]);
            await Until.TrueAsync("each node is connected to its own server", async () =>
                (await _cluster.MonitorOf(A).ClientNamesAsync()).Contains(central)
                && (await _cluster.MonitorOf(B).ClientNamesAsync()).Contains(shipB)
                && (await _cluster.MonitorOf(C).ClientNamesAsync()).Contains(shipC));

            await using var health = new HealthWatch(_client);
            await PostAsync(0, shipB, shipC);
            await FirstRunAsync(0);
            await PostAsync(1, shipB, shipC);
            await PostAsync(2, shipB, shipC);
            await FirstRunAsync(2);

            Step("kill -9 server B");
            var killedAt = DateTime.UtcNow;
            await _cluster.Servers[B].StopAsync();
            await PostAsync(3, shipB, shipC);
            await PostAsync(4, shipB, shipC);
            await Until.TrueAsync("the agent of server B says it reconnected", () => agentB.Output.Contains($"Node {shipB} reconnected to broker", StringComparison.Ordinal));
            Step("agent-B reconnected");

            Step("start server B again");
            await _cluster.Servers[B].StartAgainAsync();
            await _cluster.WaitUntilRoutedAsync();
            Step("cluster routed again");
            for (var batch = 5; batch < Batches; batch++) await PostAsync(batch, shipB, shipC);

            await WaitUntilFinalAsync();
            var unhealthy = await health.StopAsync();
            var problems = await ProblemsAsync(shipB, killedAt, postedBeforeKill: 3 * BatchSize);

            Assert.True(problems.Count == 0, $"{problems.Count} of {_idOf.Count} commands went wrong:\n{string.Join("\n", problems)}");
            Assert.True(unhealthy.Count == 0, $"GET /healthz was not 200 {unhealthy.Count} time(s) of {health.Polls}: {string.Join(", ", unhealthy.Take(10))}");
            Assert.Contains($"Node {shipB} lost broker {_cluster.Servers[B].Url}", agentB.Output, StringComparison.Ordinal);
            var reconnected = ReconnectedLine().Match(agentB.Output);
            Assert.True(reconnected.Success, "agent-B logged no reconnect");
            Assert.Contains(reconnected.Groups["url"].Value, new[] { _cluster.Servers[A].Url, _cluster.Servers[C].Url });
            output.WriteLine($"agent-B's own log: {reconnected.Value}");
        }
        finally
        {
            WriteLogs();
        }
    }

    [GeneratedRegex(@"reconnected to broker (?<url>nats://[0-9.:]+) \(server [^)]*\) after [0-9.]+ s")]
    private static partial Regex ReconnectedLine();

    private async Task<HostProcess> StartAsync(string name, string host, Dictionary<string, string> environment, string[] args)
    {
        Step($"start {name}");
        var process = await HostProcess.StartAsync(host, environment, args);
        _hosts.Add((name, process));
        return process;
    }

    private static IEnumerable<int> Numbers(int batch) => Enumerable.Range(batch * BatchSize + 1, BatchSize);

    private async Task PostAsync(int batch, string shipB, string shipC)
    {
        var numbers = Numbers(batch).ToList();
        Step($"post {numbers[0]}..{numbers[^1]}");
        var messages = numbers.Select(n => new
        {
            toNode = n % 2 == 1 ? shipB : shipC, method = "REQCliCommand", methodArgs = _runs.Command(Mark(n)), methodTimeout = 30,
            directory = "cluster", fileName = "replies.log",
            // Patient enough for the failover: a resend at most every ACKTimeout × 4 = 8 s.
            ACKTimeout = 2, retries = 100, retryWait = 1, replyACKTimeout = 2, replyRetries = 100,
        });
        var ids = await _client.PostMessagesAsync(JsonSerializer.Serialize(messages));
        for (var i = 0; i < numbers.Count; i++) _idOf[numbers[i]] = ids[i];
    }

    private static string Mark(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The kill hits a batch on its way: wait until the agent on B ran one of its commands.</summary>
    private Task FirstRunAsync(int batch)
    {
        var marks = Numbers(batch).Where(n => n % 2 == 1).Select(Mark).ToHashSet();
        return Until.TrueAsync($"a command of batch {batch} ran on server B's agent", () => _runs.Lines.Any(marks.Contains), TimeSpan.FromSeconds(30));
    }

    private async Task<List<(long Id, string State)>> MessagesAsync()
    {
        var page = await _client.GetFromJsonAsync<JsonElement>($"/messages?method=REQCliCommand&limit={MessageQueryLimit}");
        return page.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("id").GetInt64(), m.GetProperty("state").GetString()!)).ToList();
    }

    /// <summary>A message may wait out a resend after the failover (at most 8 s), and its reply the same: the rest is margin.</summary>
    private async Task WaitUntilFinalAsync()
    {
        Step("wait until every message is final");
        var ids = _idOf.Values.ToHashSet();
        try
        {
            await Until.TrueAsync("every message is final", async () =>
                (await MessagesAsync()).Count(m => ids.Contains(m.Id) && m.State is "done" or "failed" or "rejected" or "cancelled") == ids.Count,
                TimeSpan.FromSeconds(60));
            Step("every message is final");
        }
        catch (TimeoutException)
        {
            Step("not every message is final after 60 s");   // ProblemsAsync names each
        }
    }

    /// <summary>Every number that did not run exactly once or did not end done with exactly its one reply; prints the figures.</summary>
    private async Task<List<string>> ProblemsAsync(string shipB, DateTime killedAt, int postedBeforeKill)
    {
        var problems = new List<string>();
        var runs = _runs.Lines.GroupBy(line => line).ToDictionary(g => g.Key, g => g.Count());
        int lost = 0, duplicated = 0;
        DateTime? firstAckAfterKill = null;
        foreach (var (number, id) in _idOf.OrderBy(p => p.Key))
        {
            var view = await _client.GetFromJsonAsync<JsonElement>($"/messages/{id}");
            var state = view.GetProperty("state").GetString();
            var replies = view.GetProperty("replies").EnumerateArray().Select(r => r.GetString()).ToList();
            var ran = runs.GetValueOrDefault(Mark(number));
            var events = view.GetProperty("events").EnumerateArray().ToList();
            // Recovery: the first ACK from the agent of server B for a command posted after the kill, which only its
            // new server could carry.
            if (view.GetProperty("toNode").GetString() == shipB && number > postedBeforeKill)
                foreach (var acked in events.Where(e => e.GetProperty("kind").GetString() == "state" && e.GetProperty("state").GetString() == "acked"))
                    if (acked.GetProperty("at").GetDateTime() is var at && (firstAckAfterKill is null || at < firstAckAfterKill)) firstAckAfterKill = at;
            if (ran == 0 || state != "done") lost++;
            if (ran > 1 || replies.Count > 1) duplicated++;
            if (state != "done" || ran != 1 || replies is not [var reply] || reply != $"{number}\n")
                problems.Add($"{number} (message {id}): ran {ran} time(s), {state}, replies [{string.Join(", ", replies.Select(r => r?.TrimEnd('\n')))}], " +
                             $"events {string.Join(" ", events.Select(Describe))}");
        }
        var recovery = firstAckAfterKill is { } ack ? $"{(ack - killedAt).TotalSeconds:0.0} s" : "never";
        output.WriteLine($"cluster failover: {_idOf.Count} commands sent, {lost} lost, {duplicated} duplicated; " +
                         $"server B killed -> first ACK from its agent of a command posted since: {recovery}");
        Step($"figures: {_idOf.Count} sent, {lost} lost, {duplicated} duplicated, recovery {recovery}");
        return problems;
    }

    private static string Describe(JsonElement e) =>
        e.GetProperty("kind").GetString() switch
        {
            "state" => e.GetProperty("state").GetString() + (e.TryGetProperty("attempt", out var a) && a.ValueKind == JsonValueKind.Number ? $"#{a.GetInt32()}" : ""),
            var kind => kind ?? "?",
        } + "@" + e.GetProperty("at").GetDateTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private void Step(string what) =>
        _timeline.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(' ').AppendLine(what);

    /// <summary>The hosts' logs and the test's own timeline, in files named in the test output.</summary>
    private void WriteLogs()
    {
        var folder = Directory.CreateTempSubdirectory("steward-cluster-logs-").FullName;
        File.WriteAllText(Path.Combine(folder, "timeline.log"), _timeline.ToString());
        foreach (var (name, process) in _hosts) File.WriteAllText(Path.Combine(folder, $"{name}.log"), process.Output);
        output.WriteLine($"logs: {folder}");
        output.WriteLine(_timeline.ToString());
    }

    /// <summary>Polls the gateway's /healthz until stopped, and keeps every answer that was not 200.</summary>
    private sealed class HealthWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _unhealthy = [];
        private readonly Task _polling;

        public HealthWatch(HttpClient client) => _polling = PollAsync(client, _stop.Token);

        public int Polls { get; private set; }

        public async Task<IReadOnlyList<string>> StopAsync()
        {
            await _stop.CancelAsync();
            await _polling;
            return _unhealthy;
        }

        private async Task PollAsync(HttpClient client, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync("/healthz", stop);
                    Polls++;
                    if (response.StatusCode != HttpStatusCode.OK) _unhealthy.Add($"{(int)response.StatusCode} at {DateTime.UtcNow:HH:mm:ss.fff}");
                    await Task.Delay(100, stop);   // the poll's pace, not a wait for a result
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    _unhealthy.Add($"no answer at {DateTime.UtcNow:HH:mm:ss.fff}");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested) await StopAsync();
            _stop.Dispose();
        }
    }
}
