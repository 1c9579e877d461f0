using System.Diagnostics;
using Vsr.Engine.Media;

namespace Vsr.Engine.Quality;

/// <summary>PSNR and SSIM of a method's luma against the source frames, averaged over the frames measured.</summary>
public sealed record LumaScore(double PsnrY, double SsimY);

/// <summary>What <see cref="UpscaleProbe"/> measured on a video's own frames.</summary>
/// <param name="Frames">How many frames were measured.</param>
/// <param name="Width">The width of each frame as scored (the source's, less the columns that do not divide by the scale).</param>
/// <param name="Height">The height of each frame as scored.</param>
/// <param name="Model">The enhancer's output.</param>
/// <param name="Lanczos">swscale's lanczos enlargement of the same shrunk frames.</param>
/// <param name="Bicubic">swscale's bicubic enlargement of the same shrunk frames.</param>
/// <param name="ModelTime">The enhancer's own time, all frames together.</param>
public sealed record UpscaleProbeResult(int Frames, int Width, int Height, LumaScore Model, LumaScore Lanczos, LumaScore Bicubic, TimeSpan ModelTime);

/// <summary>
/// Measures how much an upscaler recovers on one video's own pictures, where no higher-resolution original exists: each
/// sample frame is shrunk by the upscaler's scale (bicubic, as the evaluation harness degrades its held-out clips),
/// enlarged again by the upscaler and by lanczos and bicubic, and each enlargement is scored against the frame itself
/// (<see cref="FrameQuality"/>: PSNR-Y and SSIM-Y). A model that beats lanczos here restores detail of this footage's kind;
/// the figures are for the frame at its own size, so they speak for the model on this content, not for the upscaled video
/// itself, whose true high-resolution picture nobody has.
/// </summary>
public static class UpscaleProbe
{
    /// <summary>The smallest side of a shrunk frame that is measured; smaller frames hold too few pixels to say anything.</summary>
    public const int MinimumShrunkSide = 8;

    /// <exception cref="ArgumentException">No frames, or frames too small to shrink by the enhancer's scale.</exception>
    public static async Task<UpscaleProbeResult> MeasureAsync(IReadOnlyList<byte[]> frames, int width, int height, IFrameEnhancer enhancer,
        CancellationToken cancellationToken)
    {
        var scale = enhancer.Scale;
        var (smallWidth, smallHeight) = (width / scale, height / scale);
        if (frames.Count == 0)
        {
            throw new ArgumentException("No frames to measure.", nameof(frames));
        }

        if (scale < 2 || smallWidth < MinimumShrunkSide || smallHeight < MinimumShrunkSide)
        {
            throw new ArgumentException(
                $"A {width}x{height} picture is too small to measure an x{scale} upscaler on: shrunk by {scale} it would be {smallWidth}x{smallHeight}, " +
                $"and the least measured is {MinimumShrunkSide}x{MinimumShrunkSide}.");
        }

        var (fullWidth, fullHeight) = (smallWidth * scale, smallHeight * scale);
        var scores = new List<(LumaScore Model, LumaScore Lanczos, LumaScore Bicubic)>(frames.Count);
        var modelTime = TimeSpan.Zero;
        foreach (var frame in frames)
        {
            var original = Crop(frame, width, fullWidth, fullHeight);
            var small = await RawFrameResize.ResizeAsync(original, fullWidth, fullHeight, smallWidth, smallHeight, "bicubic", cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var enhanced = enhancer.Enhance([small], smallWidth, smallHeight, cancellationToken)[0];
            modelTime += Stopwatch.GetElapsedTime(started);
            var lanczos = await RawFrameResize.ResizeAsync(small, smallWidth, smallHeight, fullWidth, fullHeight, "lanczos", cancellationToken);
            var bicubic = await RawFrameResize.ResizeAsync(small, smallWidth, smallHeight, fullWidth, fullHeight, "bicubic", cancellationToken);
            var reference = FrameQuality.Luma(original);
            scores.Add((Score(reference, enhanced, fullWidth, fullHeight), Score(reference, lanczos, fullWidth, fullHeight),
                Score(reference, bicubic, fullWidth, fullHeight)));
        }

        return new UpscaleProbeResult(frames.Count, fullWidth, fullHeight, Mean(scores.Select(s => s.Model)), Mean(scores.Select(s => s.Lanczos)),
            Mean(scores.Select(s => s.Bicubic)), modelTime);
    }

    private static LumaScore Score(double[] reference, byte[] candidate, int width, int height)
    {
        if (candidate.Length != width * height * 3)
        {
            throw new InvalidOperationException($"An enlargement has {candidate.Length} bytes, not the {width * height * 3} of a {width}x{height} frame.");
        }

        var luma = FrameQuality.Luma(candidate);
        return new LumaScore(FrameQuality.Psnr(reference, luma), FrameQuality.Ssim(reference, luma, width, height));
    }

    private static LumaScore Mean(IEnumerable<LumaScore> scores)
    {
        var list = scores.ToList();
        return new LumaScore(list.Average(s => s.PsnrY), list.Average(s => s.SsimY));
    }

    /// <summary>The top-left <paramref name="toWidth"/>×<paramref name="toHeight"/> of a packed RGB24 frame.</summary>
    internal static byte[] Crop(byte[] frame, int width, int toWidth, int toHeight)
    {
        if (toWidth == width)
        {
            return frame.AsSpan(0, toWidth * toHeight * 3).ToArray();
        }

        var cropped = new byte[toWidth * toHeight * 3];
        for (var y = 0; y < toHeight; y++)
        {
            frame.AsSpan(y * width * 3, toWidth * 3).CopyTo(cropped.AsSpan(y * toWidth * 3));
        }

        return cropped;
    }
}
