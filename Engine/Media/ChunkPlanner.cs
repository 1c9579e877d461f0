namespace Vsr.Engine.Media;

/// <summary>Splits a video into keyframe-aligned chunks of roughly a target length.</summary>
public static class ChunkPlanner
{
    /// <summary>Chunks start on keyframes, cover every frame exactly once, and are at least <paramref name="targetLength"/> long except the last.</summary>
    public static IReadOnlyList<ChunkSpan> Plan(VideoInfo video, TimeSpan targetLength) => throw new NotImplementedException();
}
