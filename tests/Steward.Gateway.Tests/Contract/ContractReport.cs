using System.Collections.Concurrent;

namespace Steward.Gateway.Tests.Contract;

/// <summary>What the checked calls exercised of openapi.yaml, and every way an answer broke it.</summary>
public sealed class ContractReport
{
    private readonly ConcurrentDictionary<(string Operation, string Status), int> _exercised = new();
    private readonly ConcurrentDictionary<string, int> _events = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();

    public IReadOnlyCollection<string> Violations => _violations;

    public void Exercised(ContractOperation operation, string status) => _exercised.AddOrUpdate((operation.Id, status), 1, (_, n) => n + 1);

    public void EventChecked(ContractOperation operation) => _events.AddOrUpdate(operation.Id, 1, (_, n) => n + 1);

    public void Violation(string call, string rule) => _violations.Enqueue($"{call}: {rule}");

    /// <summary>Each status openapi.yaml documents for an operation that no checked call answered with.</summary>
    public IReadOnlyList<string> Unexercised(OpenApiContract contract) =>
        contract.Operations.SelectMany(o => o.Statuses.Where(s => !_exercised.ContainsKey((o.Id, s))).Select(s => $"{o.Id} ({o.Method} {o.Path}) {s}")).ToList();

    /// <summary>Each event stream of openapi.yaml of which no event was checked.</summary>
    public IReadOnlyList<string> StreamsWithoutCheckedEvents(OpenApiContract contract) =>
        contract.Operations.Where(o => o.Response("200")?["content"]?[ContractCheckingHandler.EventStream] is not null && !_events.ContainsKey(o.Id))
            .Select(o => $"{o.Id} ({o.Method} {o.Path})").ToList();
}
