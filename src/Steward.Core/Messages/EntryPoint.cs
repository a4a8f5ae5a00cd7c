namespace Steward.Core.Messages;

/// <summary>
/// Where a message enters, which decides the intake-only fields it may hold: a selector, name patterns and
/// <c>onlyOnline</c> need central's node registry, and rollout control needs a batch to follow.
/// </summary>
public enum EntryPoint
{
    /// <summary>Received from another node, or the original inside a relay: every field resolved already.</summary>
    Wire,

    /// <summary>A node's own input without the node registry: an agent's inbox, socket or startup folder.</summary>
    NodeInput,

    /// <summary>Central's <c>POST /messages</c>: selectors, name patterns and <c>onlyOnline</c>, resolved against its registry.</summary>
    CentralMessages,

    /// <summary>Central's <c>POST /messages/batch</c> (and its preview): rollout control too.</summary>
    CentralBatch,
}
