namespace Vsr.Engine.Content;

/// <summary>
/// Tells flat, painted pictures from camera footage by how much of the picture is flat. Cel animation is painted in
/// uniform areas, so after decoding most pixels equal their neighbours within a level; a camera's sensor noise and
/// natural texture leave few such pixels (0.20–0.24 on the held-out camera clips). The threshold is configurable.
/// Its default is high on purpose: on everything measured here, up to a flat share of 0.875 (a CGI animated film,
/// synthetic graphics), our live-action model scored better than the anime model, so only near-uniform cel-like
/// pictures go to the anime family; figures in docs/quality.md (./eval.sh, "content").
/// </summary>
public static class ContentClassifier
{
    /// <summary>Luma difference (0–255) up to which two neighbouring pixels count as equal.</summary>
    public const int FlatTolerance = 1;

    /// <summary>Default flat share from which a video counts as animation.</summary>
    public const double DefaultAnimationThreshold = 0.9;

    /// <summary>Classifies packed RGB24 frames of one video.</summary>
    public static ContentAnalysis Classify(IReadOnlyList<byte[]> frames, int width, int height, double animationThreshold = DefaultAnimationThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfZero(frames.Count);
        var flat = frames.Average(frame => FlatFraction(frame, width, height));
        return new ContentAnalysis(flat >= animationThreshold ? ContentKind.Animation : ContentKind.Live, Math.Round(flat, 4), frames.Count);
    }

    /// <summary>Share of pixels (every pixel with a right and a lower neighbour) flat to both within <see cref="FlatTolerance"/>.</summary>
    public static double FlatFraction(byte[] frame, int width, int height)
    {
        if (frame.Length != width * height * 3)
        {
            throw new ArgumentException($"A {width}x{height} RGB24 frame has {width * height * 3} bytes, not {frame.Length}.", nameof(frame));
        }

        if (width < 2 || height < 2)
        {
            return 0;
        }

        var luma = new int[width * height];
        for (var i = 0; i < luma.Length; i++)
        {
            // BT.601 weights in fixed point; exactness does not matter, consistency does.
            luma[i] = (77 * frame[i * 3] + 150 * frame[(i * 3) + 1] + 29 * frame[(i * 3) + 2]) >> 8;
        }

        long flat = 0;
        for (var y = 0; y < height - 1; y++)
        {
            for (var x = 0; x < width - 1; x++)
            {
                var here = luma[(y * width) + x];
                if (Math.Abs(here - luma[(y * width) + x + 1]) <= FlatTolerance && Math.Abs(here - luma[((y + 1) * width) + x]) <= FlatTolerance)
                {
                    flat++;
                }
            }
        }

        return (double)flat / ((width - 1) * (height - 1));
    }
}
