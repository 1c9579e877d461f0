namespace Vsr.Grains.Jobs;

/// <summary>How far a job is. Fps is output frames per second of wall time since processing started.</summary>
[GenerateSerializer, Immutable]
public sealed record JobProgress(
    [property: Id(0)] int FramesDone,
    [property: Id(1)] int FramesTotal,
    [property: Id(2)] int ChunksDone,
    [property: Id(3)] int ChunksTotal,
    [property: Id(4)] double FramesPerSecond)
{
    public static JobProgress Empty { get; } = new(0, 0, 0, 0, 0);
}
