namespace Vsr.Engine;

/// <summary>
/// Turns a batch of packed RGB24 frames into enhanced (usually upscaled) packed RGB24 frames.
/// The video pipeline depends only on this contract; the ONNX model runner implements it.
/// </summary>
public interface IFrameEnhancer
{
    /// <summary>Output size divided by input size, on each axis (1, 2 or 4).</summary>
    int Scale { get; }

    /// <summary>How many frames the enhancer prefers to receive per call.</summary>
    int PreferredBatchSize { get; }

    /// <summary>
    /// Enhances <paramref name="frames"/> (each <c>width*height*3</c> bytes, RGB24, row-major)
    /// and returns one output frame per input frame (each <c>width*Scale*height*Scale*3</c> bytes).
    /// Safe to call from one thread at a time.
    /// </summary>
    byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken);
}
