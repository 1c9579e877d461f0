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
        using var device = context.CpuDevice();
        var enhancer = device.GetEnhancer(context.Model, context.Scale);
        var rawFps = ReferenceRates.RawModelFps(context, enhancer, cancellationToken);
        var pipelineFps = await ReferenceRates.PipelineFpsAsync(context, enhancer, cancellationToken);
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
