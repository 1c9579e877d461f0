using Orleans.Placement;

namespace Vsr.Grains.Placement;

/// <summary>Places a grain on the silo whose address is the part of its string key before the last '/'.</summary>
[Serializable, GenerateSerializer, Immutable]
public sealed class SiloKeyedPlacement : PlacementStrategy
{
    public static SiloKeyedPlacement Instance { get; } = new();
}
