using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Steward.TestSupport;
using Xunit.Abstractions;

namespace Steward.Agent.Tests;

/// <summary>
/// The gateway and an agent as real processes; the agent reaches the broker through a <see cref="FaultyLink"/> that is
/// cut, stalled, slowed and refused, while the agent, the gateway and the broker are each killed with SIGKILL once and
/// restarted on the same data. Kills its own nats-server, so it does not share the collection's broker.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class FaultyLinkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int BatchSize = 20;   // 15 batches: 300 commands
    private const string Token = "faulty-link-test";
    private const int MessageQueryLimit = 500;   // GET /messages' largest page: every message of the test in one

    private readonly NatsServerFixture _broker = new();
    private readonly string _runs = Path.Combine(Directory.CreateTempSubdirectory("steward-runs-").FullName, "runs.txt");
    private readonly Dictionary<int, long> _idOf = [];
    private readonly List<(string Name, HostProcess Process)> _hosts = [];
    private readonly StringBuilder _timeline = new();
    private HttpClient _client = null!;
    private string _repliesFile = "";

    public Task InitializeAsync() => _broker.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var (_, process) in _hosts) await process.DisposeAsync();
        _client?.Dispose();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task Commands_sent_through_cuts_stalls_and_kills_of_agent_gateway_and_broker_each_run_once_and_end_done_with_their_reply()
    {
        var central = Names.Next("central");
        var ship = Names.Next("ship");
        var centralData = Directory.CreateTempSubdirectory("steward-central-").FullName;
        var shipData = Directory.CreateTempSubdirectory("steward-ship-").FullName;
        TestFleet.EnrollFolder(central, centralData);   // both keys known before either host starts, as after enrolment
        TestFleet.EnrollFolder(ship, shipData);
        await using var link = new FaultyLink(_broker.Port);
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        string[] gatewayArgs = ["--node", central, "--central", central, "--broker", _broker.Url, "--data", centralData, "--urls", url];
        string[] agentArgs = ["--node", ship, "--central", central, "--broker", link.Url, "--data", shipData];
        var environment = new Dictionary<string, string> { ["Steward__ApiToken"] = Token };
        _repliesFile = Path.Combine(centralData, "data", "faulty", ship, "replies.log");   // where the gateway's REQToFileAppend puts each reply
        _client = new HttpClient { BaseAddress = new Uri(url) };
        _client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);

        try
        {
            // One after the other: two hosts starting at once on a busy 2-core machine can miss HostProcess's 30 s.
            var agent = await StartAsync("agent", HostProcess.Agent, environment, agentArgs);
            var gateway = await StartAsync("gateway", HostProcess.Gateway, environment, gatewayArgs);

            // Each fault hits a batch on its way. A stall comes only after a command of a batch posted since the last
            // fault ran: the agent is subscribed again, so the stalled batch's resends are ACK timeouts, not "no responders".
            await PostAsync(batch: 0, ship);
            await FirstRunOfAsync(0);
            await CutAsync(link);

            // These commands take 2 s, so the agent is killed while some run; kill -9 leaves those running.
            await PostAsync(batch: 1, ship, runSeconds: 2);
            await FirstRunOfAsync(1);
            await KillAsync("agent", agent);
            agent = await StartAsync("agent", HostProcess.Agent, environment, agentArgs);

            await PostAsync(batch: 2, ship);
            await FirstRunOfAsync(2);
            await StalledWhilePostingAsync(link, batch: 3, ship);

            // Killed as the batch's first reply is handled: the other replies are on their way in or being handled.
            await PostAsync(batch: 4, ship);
            await FirstReplyOfAsync(4);
            await KillAsync("gateway", gateway);
            gateway = await StartAsync("gateway", HostProcess.Gateway, environment, gatewayArgs);

            await PostAsync(batch: 5, ship);
            await FirstRunOfAsync(5);
            await StalledWhilePostingAsync(link, batch: 6, ship);

            await PostAsync(batch: 7, ship);
            await FirstRunOfAsync(7);
            Step("cut and refuse");
            link.Cut();
            link.Refuse(true);
            await PostAsync(batch: 8, ship);
            await RetryingAsync(batch: 8);
            var forwarded = link.Forwarded;
            Step("accept again");
            link.Refuse(false);
            await Until.TrueAsync("the agent connected again", () => link.Forwarded > forwarded);

            await PostAsync(batch: 9, ship);
            await FirstRunOfAsync(9);
            Step("kill -9 broker");
            forwarded = link.Forwarded;
            await _broker.RestartAsync();
            Step("broker started");
            await Until.TrueAsync("the agent connected to the new broker", () => link.Forwarded > forwarded);
            await Until.TrueAsync("the gateway connected to the new broker", async () =>
            {
                using var health = await _client.GetAsync("/healthz");
                return health.StatusCode == HttpStatusCode.OK;
            });

            Step("delay 50 ms a chunk");
            link.Delay(TimeSpan.FromMilliseconds(50));
            await PostAsync(batch: 10, ship);
            await FirstRunOfAsync(10);
            await StalledWhilePostingAsync(link, batch: 11, ship);

            await PostAsync(batch: 12, ship);
            await FirstRunOfAsync(12);
            await CutAsync(link);

            await PostAsync(batch: 13, ship);
            await FirstRunOfAsync(13);
            Step("no delay");
            link.Delay(TimeSpan.Zero);
            await PostAsync(batch: 14, ship);

            await WaitUntilFinalAsync(ship);
            var problems = await ProblemsAsync();
            Assert.True(problems.Count == 0, $"{problems.Count} of {_idOf.Count} commands went wrong:\n{string.Join("\n", problems)}");
        }
        finally
        {
            WriteLogs();
        }
    }

    private async Task<HostProcess> StartAsync(string name, string host, Dictionary<string, string> environment, string[] args)
    {
        Step($"start {name}");
        var process = await HostProcess.StartAsync(host, environment, args);
        _hosts.Add(($"{name}-{_hosts.Count(h => h.Name.StartsWith(name, StringComparison.Ordinal)) + 1}", process));
        Step($"{name} started");
        return process;
    }

    private async Task KillAsync(string name, HostProcess process)
    {
        Step($"kill -9 {name}");
        await process.KillAloneAsync();
        Step($"{name} killed");
    }

    /// <summary>Posts the batch's numbered commands through the gateway's REST API, one array.</summary>
    private async Task PostAsync(int batch, string ship, int runSeconds = 0)
    {
        var numbers = Numbers(batch).ToList();
        Step($"post {numbers[0]}..{numbers[^1]}");
        var messages = numbers.Select(n => new
        {
            toNode = ship, method = "REQCliCommand", methodArgs = Command(n, runSeconds), methodTimeout = 30, directory = "faulty", fileName = "replies.log",
            // Patient enough for every outage below: a resend at most every ACKTimeout × 4 = 12 s, 200 times.
            ACKTimeout = 3, retries = 200, retryWait = 1, replyACKTimeout = 3, replyRetries = 200,
            // A command its killed agent left running is stopped and reported, not run a second time.
            rerunOnRestart = false,
        });
        var ids = await _client.PostMessagesAsync(JsonSerializer.Serialize(messages));
        for (var i = 0; i < numbers.Count; i++) _idOf[numbers[i]] = ids[i];
    }

    /// <summary>
    /// Appends "n by pid" to the runs file as it starts, the pid being the agent's that runs it; then takes
    /// <paramref name="seconds"/>, and prints n as the reply.
    /// </summary>
    private string[] Command(int n, int seconds) =>
        ["sh", "-c", $"echo \"{n} by $PPID\" >> '{_runs}';{(seconds > 0 ? $" sleep {seconds};" : "")} echo {n}"];

    /// <summary>The number of every run so far, with the agent process that ran it.</summary>
    private List<(string Number, string By)> Runs() =>
        (File.Exists(_runs) ? File.ReadAllLines(_runs) : []).Select(line => line.Split(" by ")).Select(p => (p[0], p.Length > 1 ? p[1] : "?")).ToList();

    private static IEnumerable<int> Numbers(int batch) => Enumerable.Range(batch * BatchSize + 1, BatchSize);

    /// <summary>The faults below hit a batch while it is on its way: they wait until the agent ran one of its commands.</summary>
    private Task FirstRunOfAsync(int batch)
    {
        var marks = Numbers(batch).Select(n => n.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        return Until.TrueAsync($"a command of batch {batch} ran", () => Runs().Any(run => marks.Contains(run.Number)), TimeSpan.FromSeconds(60));
    }

    /// <summary>Waits until the gateway handled a reply of the batch: its reply method wrote the reply to the replies file.</summary>
    private Task FirstReplyOfAsync(int batch)
    {
        var marks = Numbers(batch).Select(n => n.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        return Until.TrueAsync($"a reply of batch {batch} was handled", () => File.Exists(_repliesFile) && File.ReadLines(_repliesFile).Any(marks.Contains),
            TimeSpan.FromSeconds(60));
    }

    private async Task CutAsync(FaultyLink link)
    {
        Step("cut");
        var forwarded = link.Forwarded;
        link.Cut();
        await Until.TrueAsync("the agent connected again", () => link.Forwarded > forwarded);
    }

    /// <summary>Stalls the link, posts the batch, and resumes once the gateway has resent one of them: its ACK was stuck.</summary>
    private async Task StalledWhilePostingAsync(FaultyLink link, int batch, string ship)
    {
        Step("stall");
        link.Stall();
        await PostAsync(batch, ship);
        await RetryingAsync(batch);
        Step("resume");
        link.Resume();
    }

    private Task RetryingAsync(int batch) =>
        Until.TrueAsync($"the gateway resends a message of batch {batch}", async () =>
            (await MessagesAsync($"state=retrying&limit={MessageQueryLimit}")).Any(m => Numbers(batch).Any(n => _idOf[n] == m.Id)));

    private async Task<List<(long Id, string State)>> MessagesAsync(string query)
    {
        var page = await _client.GetFromJsonAsync<JsonElement>($"/messages?method=REQCliCommand&{query}");
        return page.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("id").GetInt64(), m.GetProperty("state").GetString()!)).ToList();
    }

    /// <summary>
    /// After the last fault, a message may wait out a resend (at most ACKTimeout × 4 = 12 s, plus 3 s for the ACK), and
    /// then its reply the same again: 30 s; the rest is margin for a loaded machine.
    /// </summary>
    private static readonly TimeSpan FinalWithin = TimeSpan.FromSeconds(45);

    /// <summary>Waits until every message is final; one that never gets there is reported, with its state, by <see cref="ProblemsAsync"/>.</summary>
    private async Task WaitUntilFinalAsync(string ship)
    {
        Step("wait until every message is final");
        var ids = _idOf.Values.ToHashSet();
        try
        {
            await Until.TrueAsync("every message is final", async () =>
            {
                var final = (await MessagesAsync($"node={ship}&limit={MessageQueryLimit}"))
                    .Count(m => ids.Contains(m.Id) && m.State is "done" or "failed" or "rejected" or "cancelled");
                return final == ids.Count;
            }, FinalWithin);
            Step("every message is final");
        }
        catch (TimeoutException)
        {
            Step($"not every message is final after {FinalWithin.TotalSeconds} s");
        }
    }

    /// <summary>Every number that did not run exactly once, and every message not done with exactly its one reply.</summary>
    private async Task<List<string>> ProblemsAsync()
    {
        var problems = new List<string>();
        var agents = _hosts.ToDictionary(h => h.Process.Id.ToString(CultureInfo.InvariantCulture), h => h.Name);
        var runs = Runs().ToLookup(run => run.Number, run => agents.GetValueOrDefault(run.By, run.By == "1" ? "an agent already gone" : run.By));
        var handled = (File.Exists(_repliesFile) ? File.ReadAllLines(_repliesFile) : []).GroupBy(line => line).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (number, id) in _idOf.OrderBy(p => p.Key))
        {
            var by = runs[number.ToString(CultureInfo.InvariantCulture)].ToList();
            var ran = by.Count;
            var view = await _client.GetFromJsonAsync<JsonElement>($"/messages/{id}");
            var state = view.GetProperty("state").GetString();
            var replies = view.GetProperty("replies").EnumerateArray().Select(r => r.GetString()).ToList();
            var expected = $"{number}\n";
            var inFile = handled.GetValueOrDefault(number.ToString(CultureInfo.InvariantCulture));
            // A command in flight when its agent was killed (rerunOnRestart: false) is not run again: its start was committed
            // before it was spawned, so it ran at most once (the kill may have come before the spawn), its output died with
            // the agent's pipe, and its one reply is the empty last reply of an interruption, reported as such.
            var interrupted = by is [] or ["agent-1"] && replies is [""] && view.GetProperty("events").EnumerateArray().Any(e =>
                e.GetProperty("kind").GetString() == "error" && e.TryGetProperty("error", out var error)
                && error.GetString() is { } text && text.Contains("interrupted by a restart", StringComparison.Ordinal));
            // The reply method's file holds the line once: a gateway killed between the append and the commit that records
            // the reply runs the reply again, and the append's recorded start shows the line is there already.
            var replied = replies is [var reply] && reply == expected && inFile == 1;
            if (state != "done" || !(replied && ran == 1 || interrupted))
                problems.Add($"{number} (message {id}): ran {ran} time(s) [{string.Join(", ", by)}], {state}, {inFile} time(s) in the replies file, replies [{string.Join(", ", replies.Select(r => r?.TrimEnd('\n')))}], " +
                             $"events {string.Join(" ", view.GetProperty("events").EnumerateArray().Select(Describe))}");
        }
        return problems;
    }

    private static string Describe(JsonElement e) =>
        e.GetProperty("kind").GetString() switch
        {
            "state" => e.GetProperty("state").GetString() + (e.TryGetProperty("attempt", out var a) && a.ValueKind == JsonValueKind.Number ? $"#{a.GetInt32()}" : ""),
            "reply" => $"reply({(e.TryGetProperty("output", out var output) ? output.GetString()?.TrimEnd('\n') : "")})",
            var kind => kind ?? "?",
        } + "@" + e.GetProperty("at").GetDateTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);   // UTC, as the timeline

    private void Step(string what)
    {
        _timeline.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(' ').AppendLine(what);
    }

    /// <summary>The hosts' logs and the test's own timeline, in the test output and in files named there.</summary>
    private void WriteLogs()
    {
        var folder = Directory.CreateTempSubdirectory("steward-faulty-link-logs-").FullName;
        File.WriteAllText(Path.Combine(folder, "timeline.log"), _timeline.ToString());
        foreach (var (name, process) in _hosts)
        {
            File.WriteAllText(Path.Combine(folder, $"{name}.log"), process.Output);
            output.WriteLine($"{name}: pid {process.Id}");
        }
        if (File.Exists(_runs)) File.Copy(_runs, Path.Combine(folder, "runs.txt"));
        if (File.Exists(_repliesFile)) File.Copy(_repliesFile, Path.Combine(folder, "replies.log"));
        output.WriteLine($"logs: {folder}");
        output.WriteLine(_timeline.ToString());
    }
}
