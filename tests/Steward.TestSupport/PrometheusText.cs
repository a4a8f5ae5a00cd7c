using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Steward.TestSupport;

/// <summary>One sample of a scrape: its name (with <c>_total</c>, <c>_bucket</c>, <c>_count</c>...), labels and value.</summary>
public sealed record PrometheusSample(string Name, Dictionary<string, string> Labels, double Value);

/// <summary>
/// A <c>/metrics</c> answer read by Prometheus's own text-format parser (Debian's python3-prometheus-client, run as a
/// process), not by a parser of ours: an answer it cannot read fails the test.
/// </summary>
public sealed class PrometheusText(IReadOnlyList<PrometheusSample> samples)
{
    private const string Parser = """
        import json, math, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            for s in family.samples:
                out.append({"name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else str(s.value)})
        json.dump(out, sys.stdout)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public IReadOnlyList<PrometheusSample> Samples => samples;

    public static async Task<PrometheusText> ParseAsync(string text)
    {
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", Parser])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        await python.StandardInput.WriteAsync(text);
        python.StandardInput.Close();
        await python.WaitForExitAsync();
        if (python.ExitCode != 0) throw new InvalidOperationException($"Prometheus's parser refused the scrape: {await errors}\n{text}");
        return new PrometheusText(JsonSerializer.Deserialize<List<PrometheusSample>>(await output, Json)!);
    }

    /// <summary>The value of the sample <paramref name="name"/> whose labels include <paramref name="labels"/> (<c>"method=REQPing"</c>); 0 when there is none.</summary>
    public double Value(string name, params string[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => l.Split('=', 2) is [var key, var value] && s.Labels.GetValueOrDefault(key) == value)).ToList();
        return matching.Count switch
        {
            0 => 0,
            1 => matching[0].Value,
            _ => throw new InvalidOperationException($"{matching.Count} samples {name} match {string.Join(",", labels)}"),
        };
    }

    public bool Has(string name) => samples.Any(s => s.Name == name);
}
