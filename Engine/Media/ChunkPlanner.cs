namespace Vsr.Engine.Media;

/// <summary>Splits a video into keyframe-aligned chunks of roughly a target length.</summary>
public static class ChunkPlanner
{
    /// <summary>
    /// A last chunk shorter than this fraction of the target is merged into the one before it: a chunk costs a
    /// process start and a model warm-up, which is not worth paying for a handful of frames.
    /// </summary>
    public const double TinyTailFraction = 0.5;

    /// <summary>Chunks start on keyframes, cover every frame exactly once, and are at least <paramref name="targetLength"/> long except the last.</summary>
    public static IReadOnlyList<ChunkSpan> Plan(VideoInfo video, TimeSpan targetLength)
    {
        ArgumentNullException.ThrowIfNull(video);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(targetLength, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(video.FrameCount, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(video.FrameRateNumerator, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(video.FrameRateDenominator, 0);

        var minFrames = FramesIn(targetLength, video);
        var starts = new List<int> { 0 };
        foreach (var keyframe in video.KeyframeIndices.Where(k => k > 0 && k < video.FrameCount).Order())
        {
            if (keyframe - starts[^1] >= minFrames)
            {
                starts.Add(keyframe);
            }
        }

        if (starts.Count > 1 && video.FrameCount - starts[^1] < minFrames * TinyTailFraction)
        {
            starts.RemoveAt(starts.Count - 1);
        }

        var chunks = new List<ChunkSpan>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : video.FrameCount;
            chunks.Add(new ChunkSpan(i, starts[i], end - starts[i]));
        }

        return chunks;
    }

    /// <summary>Frames needed to last at least <paramref name="length"/>, computed on the exact rational rate.</summary>
    private static int FramesIn(TimeSpan length, VideoInfo video)
    {
        var numerator = (Int128)length.Ticks * video.FrameRateNumerator;
        var denominator = (Int128)TimeSpan.TicksPerSecond * video.FrameRateDenominator;
        var frames = (numerator + denominator - 1) / denominator;
        return (int)Int128.Clamp(frames, 1, video.FrameCount);
    }
}
