using Steward.TestSupport;

namespace Steward.Core.Tests;

[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<NatsServerFixture>
{
    public const string Name = "broker";
}
