using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;

namespace Vsr.Bench;

/// <summary>
/// One way of running the model: its session creation is timed once, then the frames go through the engine's
/// enhancer (with its batching and tiling) in several rounds, interleaved with the other ways so that a burst of load
/// on a shared machine hits them alike; the best round counts. The first round's outputs are kept for PSNR.
/// </summary>
public sealed class VariantTiming : IDisposable
{
    private readonly OnnxFrameEnhancer _enhancer;
    private readonly int _width;
    private readonly int _height;

    public VariantTiming(string label, Func<InferenceSession> open, InferenceOptions options, int scale, int width, int height, IReadOnlyList<byte[]> warmUp)
    {
        Label = label;
        (_width, _height) = (width, height);
        var clock = Stopwatch.StartNew();
        _enhancer = new OnnxFrameEnhancer(open(), scale, options, uniformTiles: false);
        CreateMs = clock.Elapsed.TotalMilliseconds;
        _enhancer.Enhance(warmUp.Take(_enhancer.PreferredBatchSize).ToList(), width, height, CancellationToken.None);
    }

    public string Label { get; }

    public double CreateMs { get; }

    /// <summary>Frames per second of the best round so far.</summary>
    public double Fps { get; private set; }

    public byte[][] Outputs { get; private set; } = [];

    public void Round(IReadOnlyList<byte[]> frames, CancellationToken cancellationToken)
    {
        var outputs = new List<byte[]>(frames.Count);
        var clock = Stopwatch.StartNew();
        foreach (var batch in frames.Chunk(_enhancer.PreferredBatchSize))
        {
            outputs.AddRange(_enhancer.Enhance(batch, _width, _height, cancellationToken));
        }

        Fps = Math.Max(Fps, frames.Count / clock.Elapsed.TotalSeconds);
        if (Outputs.Length == 0)
        {
            Outputs = [.. outputs];
        }
    }

    /// <summary>PSNR of the outputs against <paramref name="reference"/>'s, over all frames; infinity when identical.</summary>
    public double PsnrAgainst(VariantTiming reference) => OutputComparison.Of(Outputs, reference.Outputs).Psnr;

    public void Dispose() => _enhancer.Dispose();
}
