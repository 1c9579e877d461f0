namespace Vsr.Cluster.Tests.Support;

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "two-silo cluster";
}
