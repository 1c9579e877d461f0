using System.Diagnostics;

namespace Vsr.Engine.Media;

/// <summary>
/// Streams one chunk: ffmpeg decode → raw RGB pipe → enhancer → raw pipe → ffmpeg libx264 encode,
/// the three stages overlapped through bounded queues. No frame touches the disk.
/// </summary>
public static class ChunkTranscoder
{
    /// <summary>
    /// The container to write chunks in (the caller picks it through the output path). MP4 stores each chunk's
    /// timestamps exactly in a 1/frame-rate timescale, and the assembler's concat joins MP4 chunks with B-frames
    /// and edit lists frame-exactly; Matroska would round every timestamp to the millisecond.
    /// </summary>
    public const string ChunkExtension = ".mp4";

    /// <summary>
    /// Writes exactly <c>chunk.FrameCount</c> enhanced frames to <paramref name="outputPath"/> (a video-only file),
    /// reporting frames done through <paramref name="framesDone"/>. Throws when the decoded count differs.
    /// </summary>
    /// <remarks>
    /// <paramref name="framesDone"/> receives the running count of this chunk's frames handed to the encoder.
    /// On failure or cancellation both ffmpeg processes are killed and the partial output is deleted.
    /// </remarks>
    public static async Task<ChunkOutcome> TranscodeAsync(
        string sourcePath,
        VideoInfo video,
        ChunkSpan chunk,
        IFrameEnhancer enhancer,
        EncodeOptions encode,
        string outputPath,
        IProgress<int>? framesDone,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(enhancer);
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(enhancer.Scale, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(enhancer.PreferredBatchSize, 1);
        if (chunk.FrameCount <= 0 || chunk.StartFrame < 0 || chunk.StartFrame + chunk.FrameCount > video.FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(chunk), chunk, $"The chunk does not lie within the video's {video.FrameCount} frames.");
        }

        var started = Stopwatch.GetTimestamp();
        var outputWidth = video.Width * enhancer.Scale;
        var outputHeight = video.Height * enhancer.Scale;
        var decodeArguments = ChunkCommandLines.Decode(sourcePath, video, chunk);
        var encodeArguments = ChunkCommandLines.Encode(encode, video, outputPath);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        FfmpegProcess? decoder = null;
        FfmpegProcess? encoder = null;
        var succeeded = false;
        try
        {
            decoder = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, decodeArguments, readsOutput: true, stop.Token);
            encoder = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, encodeArguments, readsOutput: false, stop.Token);
            var pipeline = new ChunkPipeline(decoder, encoder, enhancer, video, chunk, framesDone);
            var written = await pipeline.RunAsync(stop, cancellationToken);
            succeeded = true;
            return new ChunkOutcome(written, outputWidth, outputHeight, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            // Disposal kills what still runs and waits for it, so the encoder cannot recreate the file after the delete.
            if (decoder is not null)
            {
                await decoder.DisposeAsync();
            }

            if (encoder is not null)
            {
                await encoder.DisposeAsync();
            }

            if (!succeeded && File.Exists(outputPath))
            {
                File.Delete(outputPath);
            }
        }
    }
}
