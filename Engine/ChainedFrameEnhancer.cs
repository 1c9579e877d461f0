namespace Vsr.Engine;

/// <summary>Runs two enhancers one after the other, e.g. a x1 restorer (denoise, deblock) before an upscaler.</summary>
public sealed class ChainedFrameEnhancer(IFrameEnhancer first, IFrameEnhancer second) : IFrameEnhancer
{
    public int Scale => first.Scale * second.Scale;

    public int PreferredBatchSize => Math.Min(first.PreferredBatchSize, second.PreferredBatchSize);

    public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken)
    {
        var restored = first.Enhance(frames, width, height, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return second.Enhance(restored, width * first.Scale, height * first.Scale, cancellationToken);
    }
}
