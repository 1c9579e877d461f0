using Vsr.Engine;
using Vsr.Engine.Inference;
using Vsr.Engine.Media;
using Vsr.Engine.Quality;

namespace Vsr.Grains.Inference;

/// <summary>
/// The real device: ffmpeg decode → the model (after the x1 restorers when the job asked for them) on this device's ONNX
/// Runtime sessions → libx264 encode (sharpened first when the job asked for it).
/// </summary>
public sealed class ModelChunkRunner(InferenceDevice device, EncodeOptions encode) : IChunkRunner
{
    public string ExecutionProvider => device.ExecutionProvider;

    public Task<ChunkOutcome> RunAsync(ChunkWork work, string sourcePath, VideoInfo video, string outputPath, IProgress<int> framesDone,
        CancellationToken cancellationToken)
    {
        // restorer 1 → restorer 2 → … → the upscaler, built from the back.
        var enhancer = (work.Restorers ?? []).Reverse().Aggregate(device.GetEnhancer(work.Model, work.Scale, cancellationToken),
            (next, restorer) => new ChainedFrameEnhancer(device.GetEnhancer(restorer, 1, cancellationToken), next));
        var chunk = new ChunkSpan(work.ChunkIndex, work.StartFrame, work.FrameCount);
        return ChunkTranscoder.TranscodeAsync(sourcePath, video, chunk, enhancer, encode with { Sharpen = work.Sharpen }, outputPath, framesDone, cancellationToken);
    }

    public async Task<UpscaleProbeResult> MeasureUpscaleAsync(string model, int scale, string sourcePath, VideoInfo video, int frames,
        CancellationToken cancellationToken)
    {
        var enhancer = device.GetEnhancer(model, scale, cancellationToken);
        var samples = await FrameSampler.SampleAsync(sourcePath, video, frames, cancellationToken);
        return await UpscaleProbe.MeasureAsync(samples, video.Width, video.Height, enhancer, cancellationToken);
    }

    public void Dispose() => device.Dispose();
}
