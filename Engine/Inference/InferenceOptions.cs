namespace Vsr.Engine.Inference;

public sealed class InferenceOptions
{
    /// <summary>Frames per model call.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>Input tile edge in pixels; frames larger than this are tiled. 0 disables tiling.</summary>
    public int TileSize { get; set; } = 256;

    /// <summary>Context pixels added around each tile (input scale); must exceed the model's receptive radius.</summary>
    public int TileOverlap { get; set; } = 24;

    /// <summary>ONNX Runtime intra-op threads for CPU devices; 0 lets ONNX Runtime decide.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// The precision models run in: fp32 (default), fp16 (for CUDA and TensorRT) or int8 (static QDQ, for the CPU).
    /// See <see cref="PrecisionPlan"/> for how each provider meets it.
    /// </summary>
    public InferencePrecision Precision { get; set; } = InferencePrecision.Fp32;

    /// <summary>
    /// Where model variants and ONNX Runtime's optimized graphs are kept; empty means <c>optimized/</c> under the
    /// model cache directory.
    /// </summary>
    public string OptimizedCacheDirectory { get; set; } = string.Empty;
}
