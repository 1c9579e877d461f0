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
}
