namespace Vsr.Grains.Jobs;

/// <summary>The facts about a video that a user cares about.</summary>
[GenerateSerializer, Immutable]
public sealed record VideoSummary(
    [property: Id(0)] int Width,
    [property: Id(1)] int Height,
    [property: Id(2)] int FrameCount,
    [property: Id(3)] double FramesPerSecond,
    [property: Id(4)] double DurationSeconds,
    [property: Id(5)] int AudioStreams,
    [property: Id(6)] int SubtitleStreams);
