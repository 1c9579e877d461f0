namespace Vsr.Engine.Media;

/// <summary>
/// When each frame of a chunk is shown, in microseconds from the chunk's first frame, taken from the source's own
/// timestamps so that irregular timing (variable frame rate, dropped AVI frames) survives the raw pipe.
/// </summary>
internal sealed class ChunkTiming
{
    private readonly VideoInfo _video;
    private readonly ChunkSpan _chunk;
    private readonly long _origin;

    private ChunkTiming(VideoInfo video, ChunkSpan chunk)
    {
        _video = video;
        _chunk = chunk;
        _origin = FrameMicros(chunk.StartFrame);
    }

    public static ChunkTiming For(VideoInfo video, ChunkSpan chunk) => new(video, chunk);

    /// <summary>Start of frame <paramref name="i"/> of the chunk, relative to the chunk's first frame.</summary>
    public long StartMicros(int i) => FrameMicros(_chunk.StartFrame + i) - _origin;

    /// <summary>How long frame <paramref name="i"/> of the chunk is shown.</summary>
    public long DurationMicros(int i) => EndMicros(_chunk.StartFrame + i) - FrameMicros(_chunk.StartFrame + i);

    /// <summary>From the chunk's first frame to where the next chunk begins (or the video ends).</summary>
    public long ChunkMicros => EndMicros(_chunk.StartFrame + _chunk.FrameCount - 1) - _origin;

    private bool HasTimestamps => _video.FramePts.Count == _video.FrameCount;

    private long FrameMicros(int frame) => HasTimestamps
        ? TicksToMicros(_video.FramePts[frame] - _video.FramePts[0])
        : PeriodMicros(frame);

    private long EndMicros(int frame)
    {
        if (frame + 1 < _video.FrameCount)
        {
            return FrameMicros(frame + 1);
        }

        var last = HasTimestamps && _video.LastFrameDuration > 0 ? TicksToMicros(_video.LastFrameDuration) : PeriodMicros(1);
        return FrameMicros(frame) + last;
    }

    private long TicksToMicros(long ticks) =>
        (long)((Int128)ticks * _video.TimeBaseNumerator * 1_000_000 / _video.TimeBaseDenominator);

    private long PeriodMicros(long frames) =>
        (long)((Int128)frames * _video.FrameRateDenominator * 1_000_000 / _video.FrameRateNumerator);
}
