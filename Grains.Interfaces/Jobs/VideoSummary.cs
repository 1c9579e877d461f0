namespace Vsr.Grains.Jobs;

/// <summary>The facts about a video that a user cares about.</summary>
/// <param name="Conversions">
/// For a source, what the service does to it besides enhancing its pictures (deinterlacing, HDR tone mapping, audio or
/// subtitle streams converted or left out by the output's container, …); null when nothing.
/// </param>
[GenerateSerializer, Immutable]
public sealed record VideoSummary(
    [property: Id(0)] int Width,
    [property: Id(1)] int Height,
    [property: Id(2)] int FrameCount,
    [property: Id(3)] double FramesPerSecond,
    [property: Id(4)] double DurationSeconds,
    [property: Id(5)] int AudioStreams,
    [property: Id(6)] int SubtitleStreams,
    [property: Id(7)] IReadOnlyList<string>? Conversions = null,
    [property: Id(8)] string? Codec = null);
