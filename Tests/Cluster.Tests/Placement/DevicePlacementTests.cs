using Vsr.Cluster.Tests.Support;
using Vsr.Grains.Inference;

namespace Vsr.Cluster.Tests.Placement;

[Collection(ClusterCollection.Name)]
public sealed class DevicePlacementTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Each_device_grain_activates_on_the_silo_named_in_its_key()
    {
        foreach (var silo in fixture.Cluster.Cluster.Silos)
        {
            foreach (var device in new[] { "cpu:0", "cpu:1" })
            {
                var key = DeviceKey.Create(silo.SiloAddress.ToParsableString(), device);
                var description = await fixture.Cluster.Cluster.Client.GetGrain<IInferenceGrain>(key).Describe();

                Assert.Equal(silo.SiloAddress.ToParsableString(), description.Silo);
                Assert.Equal(device, description.Device);
            }
        }
    }

    [Fact]
    public async Task A_device_grain_for_a_silo_that_is_not_in_the_cluster_is_refused()
    {
        var stranger = DeviceKey.Create("127.0.0.9:11111@1", "cpu:0");

        await Assert.ThrowsAnyAsync<Exception>(() =>
            fixture.Cluster.Cluster.Client.GetGrain<IInferenceGrain>(stranger).Describe().AsTask());
    }
}
