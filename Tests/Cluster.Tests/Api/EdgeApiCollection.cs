namespace Vsr.Cluster.Tests.Api;

[CollectionDefinition(Name)]
public sealed class EdgeApiCollection : ICollectionFixture<EdgeApiFixture>
{
    public const string Name = "API on Kestrel with a scripted queue";
}
