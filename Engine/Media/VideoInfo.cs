namespace Vsr.Engine.Media;

/// <summary>What the probe learned about a source video.</summary>
/// <param name="Width">Display width of the first video stream in pixels.</param>
/// <param name="Height">Display height in pixels.</param>
/// <param name="FrameRateNumerator">Frame rate as a rational (e.g. 30000/1001).</param>
/// <param name="FrameRateDenominator">Denominator of the frame rate.</param>
/// <param name="FrameCount">Exact number of video frames (counted from packets, not estimated).</param>
/// <param name="Duration">Container duration.</param>
/// <param name="VideoCodec">Codec name of the video stream.</param>
/// <param name="AudioStreamCount">Number of audio streams.</param>
/// <param name="SubtitleCodecs">Codec name of each subtitle stream, in order.</param>
/// <param name="KeyframeIndices">Display-order indices of keyframes, ascending, always starting at 0.</param>
public sealed record VideoInfo(
    int Width,
    int Height,
    int FrameRateNumerator,
    int FrameRateDenominator,
    int FrameCount,
    TimeSpan Duration,
    string VideoCodec,
    int AudioStreamCount,
    IReadOnlyList<string> SubtitleCodecs,
    IReadOnlyList<int> KeyframeIndices)
{
    public double FrameRate => (double)FrameRateNumerator / FrameRateDenominator;
}
