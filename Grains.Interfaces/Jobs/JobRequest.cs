namespace Vsr.Grains.Jobs;

/// <summary>What a user asked for: which stored source to enhance, and how.</summary>
[GenerateSerializer, Immutable]
public sealed record JobRequest(
    [property: Id(0)] string SourceKey,
    [property: Id(1)] string FileName,
    [property: Id(2)] int Scale,
    [property: Id(3)] string Model);
