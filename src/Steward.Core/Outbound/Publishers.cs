using System.Collections.Concurrent;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Core.Outbound;

/// <summary>One publisher per destination subject, created on demand and retired when idle.</summary>
internal sealed class Publishers(Func<string, StreamOrder<(string, long)>, Publisher> create, StreamOrder<(string, long)> streams)
{
    private readonly ConcurrentDictionary<string, Publisher> _bySubject = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Publisher> Running => _bySubject.Values.ToList();

    public void Enqueue(Outgoing outgoing)
    {
        var subject = Subjects.For(outgoing.Message.ToNode!, outgoing.Message.Method!);
        for (var publisher = Get(subject); !publisher.TryEnqueue(outgoing); publisher = Get(subject))
            _bySubject.TryRemove(KeyValuePair.Create(subject, publisher));   // it retired between lookup and write
    }

    private Publisher Get(string subject)
    {
        var publisher = _bySubject.GetOrAdd(subject, create, streams);
        publisher.EnsureStarted(retired => _bySubject.TryRemove(KeyValuePair.Create(retired.Subject, retired)));
        return publisher;
    }
}
