using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Models;

namespace Vsr.Bench.Sections;

/// <summary>
/// Raw model throughput (one ONNX Runtime session, frames already in memory, only the model calls timed) against
/// the streaming chunk pipeline (ffmpeg decode → model → libx264 encode, overlapped, as one chunk of a job runs)
/// on the same frames and the same session.
/// </summary>
public sealed class ThroughputSection : IBenchSection
{
    public string Name => "throughput";

    public async Task<BenchTable> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var video = context.Video;
        using var device = new InferenceDevice(new DeviceId("cpu", 0), context.Catalog(), new InferenceOptions(), NullLoggerFactory.Instance);
        var enhancer = device.GetEnhancer(context.Model, context.Scale);
        enhancer.Enhance(context.Frames.Take(1).ToList(), video.Width, video.Height, cancellationToken); // session warm-up

        var raw = Stopwatch.StartNew();
        foreach (var batch in context.Frames.Chunk(enhancer.PreferredBatchSize))
        {
            enhancer.Enhance(batch, video.Width, video.Height, cancellationToken);
        }

        raw.Stop();

        var output = Path.Combine(context.WorkDirectory, $"pipeline{ChunkTranscoder.ChunkExtension}");
        var pipeline = Stopwatch.StartNew();
        await ChunkTranscoder.TranscodeAsync(context.Clip, video, new ChunkSpan(0, 0, video.FrameCount), enhancer, new EncodeOptions(), output, null, cancellationToken);
        pipeline.Stop();
        File.Delete(output);

        var rawFps = context.Frames.Count / raw.Elapsed.TotalSeconds;
        var pipelineFps = video.FrameCount / pipeline.Elapsed.TotalSeconds;
        context.RawModelFps = rawFps;
        context.PipelineFps = pipelineFps;
        return new BenchTable(Name, "Raw model vs streaming chunk pipeline",
            $"{context.Frames.Count} frames of {context.Size}, x{context.Scale}, {context.Model}, {device.ExecutionProvider} provider. Goal: pipeline ≥ 0.9 × raw.",
            ["method", "fps", "× raw"],
            [
                ["raw model (ORT session only, frames in memory)", Bench.Text(rawFps), "1"],
                ["streaming chunk pipeline (decode → model → x264)", Bench.Text(pipelineFps), Bench.Text(pipelineFps / rawFps)],
            ])
        {
            Figures = { ["raw_fps"] = Bench.Round(rawFps), ["pipeline_fps"] = Bench.Round(pipelineFps), ["pipeline_over_raw"] = Bench.Round(pipelineFps / rawFps) },
            Chart = [("raw model", rawFps), ("chunk pipeline", pipelineFps)],
        };
    }
}
