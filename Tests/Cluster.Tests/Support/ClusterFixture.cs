namespace Vsr.Cluster.Tests.Support;

/// <summary>One two-silo cluster with two CPU devices per silo, shared by the tests of <see cref="ClusterCollection"/>.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public VsrTestCluster Cluster { get; private set; } = null!;

    public TempDirectory Clips { get; } = new("vsr-clips");

    public async Task InitializeAsync() => Cluster = await VsrTestCluster.StartAsync();

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Clips.Dispose();
    }
}
