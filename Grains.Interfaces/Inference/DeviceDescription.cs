namespace Vsr.Grains.Inference;

/// <summary>A device as its grain sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceDescription(
    [property: Id(0)] string Key,
    [property: Id(1)] string Silo,
    [property: Id(2)] string Device,
    [property: Id(3)] string ExecutionProvider,
    [property: Id(4)] int ChunksCompleted);
