namespace Vsr.Grains.Inference;

/// <summary>A request to measure <see cref="Model"/> at <see cref="Scale"/> on <see cref="Frames"/> frames spread over the stored source.</summary>
[GenerateSerializer, Immutable]
public sealed record QualityProbe(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] string SourceKey,
    [property: Id(2)] string Model,
    [property: Id(3)] int Scale,
    [property: Id(4)] int Frames);
