namespace Steward.Core.Node;

/// <summary>What <c>REQOpProcessList</c> answers: the node's publishers, its subscriber and the messages in flight.</summary>
public sealed record ProcessList(
    string Node, IReadOnlyList<PublisherProcess> Publishers, SubscriberProcess Subscriber, IReadOnlyList<MessageProcess> InFlight);

public sealed record PublisherProcess(string Subject, DateTimeOffset Started);

public sealed record SubscriberProcess(string Subject, IReadOnlyList<string> Serving, IReadOnlyList<string> Stopped);

/// <summary>A message being delivered (<c>Kind</c> "delivering") or whose method runs here ("running").</summary>
public sealed record MessageProcess(string Kind, string Subject, long MessageId, string FromNode, string Method, DateTimeOffset Started, string State);
