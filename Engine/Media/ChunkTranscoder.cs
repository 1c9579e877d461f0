namespace Vsr.Engine.Media;

/// <summary>
/// Streams one chunk: ffmpeg decode → raw RGB pipe → enhancer → raw pipe → ffmpeg libx264 encode,
/// the three stages overlapped through bounded queues. No frame touches the disk.
/// </summary>
public static class ChunkTranscoder
{
    /// <summary>
    /// Writes exactly <c>chunk.FrameCount</c> enhanced frames to <paramref name="outputPath"/> (a video-only file),
    /// reporting frames done through <paramref name="framesDone"/>. Throws when the decoded count differs.
    /// </summary>
    public static Task<ChunkOutcome> TranscodeAsync(
        string sourcePath,
        VideoInfo video,
        ChunkSpan chunk,
        IFrameEnhancer enhancer,
        EncodeOptions encode,
        string outputPath,
        IProgress<int>? framesDone,
        CancellationToken cancellationToken) => throw new NotImplementedException();
}
