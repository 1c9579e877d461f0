using Orleans.Runtime.Placement;
using Vsr.Grains.Inference;

namespace Vsr.Grains.Placement;

/// <summary>
/// Pins device grains to the silo that owns the device. A key naming a silo that is not active fails the call
/// instead of activating the grain elsewhere: a device cannot move, so the caller must pick another device.
/// </summary>
public sealed class SiloKeyedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()
            ?? throw new OrleansException($"Grain {target.GrainIdentity} has no key to place by.");
        var (siloText, _) = DeviceKey.Split(key);
        var silo = SiloAddress.FromParsableString(siloText);
        if (!context.GetCompatibleSilos(target).Contains(silo))
        {
            throw new OrleansException($"Silo {silo} named by device grain '{key}' is not an active, compatible silo.");
        }

        return Task.FromResult(silo);
    }
}
