namespace Vsr.Grains.Inference;

/// <summary>What a device reports after storing an enhanced chunk.</summary>
[GenerateSerializer, Immutable]
public sealed record ChunkResult(
    [property: Id(0)] int ChunkIndex,
    [property: Id(1)] int FramesWritten,
    [property: Id(2)] string OutputKey,
    [property: Id(3)] string Device,
    [property: Id(4)] string Silo,
    [property: Id(5)] double Seconds);
