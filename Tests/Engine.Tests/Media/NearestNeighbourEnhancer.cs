namespace Vsr.Engine.Tests.Media;

/// <summary>
/// A stand-in model for pipeline tests: 2× nearest-neighbour upscaling, in batches of 3 so batching and a
/// short last batch are exercised. It tests the plumbing, not image quality.
/// </summary>
public sealed class NearestNeighbourEnhancer : IFrameEnhancer
{
    public int Scale => 2;

    public int PreferredBatchSize => 3;

    /// <summary>Sizes of the batches received, in order.</summary>
    public List<int> BatchSizes { get; } = [];

    public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken)
    {
        BatchSizes.Add(frames.Count);
        return frames.Select(frame => Upscale(frame, width, height)).ToArray();
    }

    private static byte[] Upscale(byte[] frame, int width, int height)
    {
        var outWidth = width * 2;
        var output = new byte[outWidth * height * 2 * 3];
        for (var y = 0; y < height * 2; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                var source = (((y / 2) * width) + (x / 2)) * 3;
                var target = ((y * outWidth) + x) * 3;
                output[target] = frame[source];
                output[target + 1] = frame[source + 1];
                output[target + 2] = frame[source + 2];
            }
        }

        return output;
    }
}
