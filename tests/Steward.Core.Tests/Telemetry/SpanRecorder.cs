using System.Collections.Concurrent;
using System.Diagnostics;
using Steward.Core.Telemetry;
using Steward.TestSupport;

namespace Steward.Core.Tests.Telemetry;

/// <summary>Listens to Steward's spans in this process, as the OpenTelemetry SDK does when an exporter is configured.</summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StewardTracing.SourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ended.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Ended => [.. _ended];

    /// <summary>The ended span <paramref name="name"/> that <paramref name="node"/> recorded, once there is one.</summary>
    public Task<Activity> EndedAsync(string node, string name) =>
        Until.ValueAsync($"{node} ended a span '{name}'", () => _ended.FirstOrDefault(a => a.DisplayName == name && (string?)a.GetTagItem("steward.node") == node));

    public void Dispose() => _listener.Dispose();
}
