using System.Diagnostics;
using Vsr.Engine;
using Vsr.Engine.Media;

namespace Vsr.Bench;

/// <summary>
/// The two rates the comparisons are made against, measured the same way wherever they are measured: by the throughput
/// section, and again inside a section that wants its reference right next to its own measurement (this machine is
/// shared, so the load can change between sections).
/// </summary>
public static class ReferenceRates
{
    /// <summary>Frames per second of the bare model on the context's frames, batched as the enhancer prefers; only model calls are timed, after one warm-up frame.</summary>
    public static double RawModelFps(BenchContext context, IFrameEnhancer enhancer, CancellationToken cancellationToken)
    {
        var (width, height) = (context.Video.Width, context.Video.Height);
        enhancer.Enhance(context.Frames.Take(1).ToList(), width, height, cancellationToken); // session warm-up
        var clock = Stopwatch.StartNew();
        foreach (var batch in context.Frames.Chunk(enhancer.PreferredBatchSize))
        {
            enhancer.Enhance(batch, width, height, cancellationToken);
        }

        return context.Frames.Count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Frames per second of the streaming chunk pipeline (ffmpeg decode → model → libx264) on the whole clip as one chunk.</summary>
    public static async Task<double> PipelineFpsAsync(BenchContext context, IFrameEnhancer enhancer, CancellationToken cancellationToken)
    {
        var video = context.Video;
        var output = Path.Combine(context.WorkDirectory, $"pipeline-{Guid.NewGuid():N}{ChunkTranscoder.ChunkExtension}");
        try
        {
            var clock = Stopwatch.StartNew();
            await ChunkTranscoder.TranscodeAsync(context.Clip, video, new ChunkSpan(0, 0, video.FrameCount), enhancer, new EncodeOptions(), output, null, cancellationToken);
            return video.FrameCount / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            File.Delete(output);
        }
    }
}
