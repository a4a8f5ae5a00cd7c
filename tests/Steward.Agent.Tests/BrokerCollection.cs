using Steward.TestSupport;

namespace Steward.Agent.Tests;

[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<NatsServerFixture>
{
    public const string Name = "broker";
}
