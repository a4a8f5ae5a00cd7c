using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Steward.Core.Messages;
using Steward.Core.Trust;
using Steward.TestSupport;

namespace Steward.Bench;

/// <summary>
/// What the fleet simulator measures after its fan-outs, for docs/scale.md: a hello from every node at once, what central's
/// files hold per message, and one of the cluster's servers killed under its clients.
/// </summary>
internal sealed record FleetExtras(
    double HelloStormMs, double HelloCpuSeconds, int KeysUpdatesSent, long KeySetBytes,
    long DbBytes, int OutboundRows, int EventRows, int InboundRows, long AuditBytes, long GatewayWrittenBytes,
    int FailoverClients, double FailoverMs);

internal static class FleetPhases
{
    /// <summary>
    /// Every node's hello at once, each holding central's key set (as in a fleet whose set has reached every node, so none
    /// is answered with the set): from the first sent to the last stored in central's node registry.
    /// </summary>
    public static async Task<(double Ms, double CpuSeconds, int KeysUpdates, long KeySetBytes)> HelloStormAsync(
        SimFleet sim, int gatewayPid, string centralDb, IReadOnlyDictionary<string, string> centralKnows)
    {
        var keySet = JsonSerializer.SerializeToUtf8Bytes(centralKnows.ToDictionary(StringComparer.Ordinal), StewardJson.Default.DictionaryStringString);
        var cpuBefore = ProcFs.CpuSeconds(gatewayPid);
        var clock = Stopwatch.StartNew();
        await sim.SendHellosAsync(KeyRing.Fingerprint(centralKnows));
        await Until.TrueAsync("central stored every node's hello", () => Task.FromResult(Count(centralDb, """SELECT count(*) FROM "Nodes" """) >= sim.Keys.Count),
            TimeSpan.FromMinutes(5));
        var ms = clock.Elapsed.TotalMilliseconds;
        var keysUpdates = Count(centralDb, $"""SELECT count(*) FROM "Outbound" WHERE "Method"='{Methods.KeysUpdate}'""");
        return (ms, ProcFs.CpuSeconds(gatewayPid) - cpuBefore, keysUpdates, keySet.Length);
    }

    /// <summary>
    /// A change of central's key set (an operator approved a node): every node's next hello holds the old set, and central
    /// answers each with the whole new one (REQKeysUpdate). From the hellos to the last set delivered (done).
    /// </summary>
    public static async Task<(double Ms, double CpuSeconds, long DbGrowthBytes)> KeySetChangeAsync(SimFleet sim, int gatewayPid, string centralData)
    {
        var db = Path.Combine(centralData, "steward.db");
        var (cpuBefore, bytesBefore) = (ProcFs.CpuSeconds(gatewayPid), CentralFiles(centralData).DbBytes);
        var clock = Stopwatch.StartNew();
        await sim.SendHellosAsync("an-older-set");
        await Until.TrueAsync("every node has the new key set", () => Task.FromResult(
            Count(db, $"""SELECT count(*) FROM "Outbound" WHERE "Method"='{Methods.KeysUpdate}' AND "State"='done'""") >= sim.Keys.Count), TimeSpan.FromMinutes(10));
        return (clock.Elapsed.TotalMilliseconds, ProcFs.CpuSeconds(gatewayPid) - cpuBefore, CentralFiles(centralData).DbBytes - bytesBefore);
    }

    /// <summary>central's database (its pages, WAL included) and rows, and its audit log, after the fan-outs.</summary>
    public static (long DbBytes, int Outbound, int Events, int Inbound, long AuditBytes) CentralFiles(string centralData)
    {
        var db = Path.Combine(centralData, "steward.db");
        var bytes = Count(db, "SELECT page_count FROM pragma_page_count") * (long)Count(db, "SELECT page_size FROM pragma_page_size");
        var audit = new FileInfo(Path.Combine(centralData, "audit.log"));
        return (bytes, Count(db, """SELECT count(*) FROM "Outbound" """), Count(db, """SELECT count(*) FROM "Events" """),
            Count(db, """SELECT count(*) FROM "Inbound" """), audit.Exists ? audit.Length : 0);
    }

    /// <summary>
    /// Kills the cluster's last server (SIGKILL) and waits until every client it had is connected to one of the others:
    /// the reconnect storm of a lost server.
    /// </summary>
    public static async Task<(int Clients, double Ms)> FailoverAsync(NatsCluster cluster)
    {
        var last = cluster.Servers.Count - 1;
        var monitors = Enumerable.Range(0, cluster.Servers.Count).Select(cluster.MonitorOf).ToList();
        var counts = await Task.WhenAll(monitors.Select(m => m.ConnectionsAsync()));
        var clock = Stopwatch.StartNew();
        await cluster.Servers[last].StopAsync();
        await Until.TrueAsync("every client of the killed server is on another one", async () =>
            (await Task.WhenAll(monitors.Take(last).Select(m => m.ConnectionsAsync()))).Sum() >= counts.Sum(), TimeSpan.FromMinutes(5));
        return (counts[last], clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Bytes the process has had written to storage so far (/proc/pid/io write_bytes).</summary>
    public static long WrittenBytes(int pid) =>
        File.ReadLines($"/proc/{pid}/io").Where(l => l.StartsWith("write_bytes:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).First();

    /// <summary>A number from central's database, read beside the gateway (WAL lets a reader in).</summary>
    private static int Count(string db, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the benchmark's own fixed queries
        command.CommandText = sql;
#pragma warning restore CA2100
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
