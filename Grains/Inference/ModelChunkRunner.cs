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
        var codec = OutputCodecs.ForJob(work.Codec)
            ?? throw new ArgumentException($"Chunk {work.ChunkIndex} asks for the unknown codec '{work.Codec}'.", nameof(work));
        // The job's coordinator settles the crf; only work from one older than codecs has none, and it is H.264.
        var encoding = encode with
        {
            Sharpen = work.Sharpen, Codec = codec, Crf = work.Crf ?? encode.Crf, BitDepth = work.BitDepth ?? 8,
            Preset = work.Preset ?? encode.Preset, Av1Preset = work.Av1Preset ?? encode.Av1Preset,
        };
        return ChunkTranscoder.TranscodeAsync(sourcePath, video, chunk, enhancer, encoding, outputPath, framesDone, cancellationToken);
    }

    public (IReadOnlyList<byte[]> Frames, TimeSpan Time) EnhanceForProbe(string model, ShrunkFrames shrunk, CancellationToken cancellationToken) =>
        UpscaleProbe.Enhance(shrunk, device.GetEnhancer(model, shrunk.Scale, cancellationToken), cancellationToken);

    public void Dispose() => device.Dispose();
}
