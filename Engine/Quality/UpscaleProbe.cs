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
/// <param name="ModelTime">The enhancer's own time, all frames together, after one untimed run to warm it up.</param>
public sealed record UpscaleProbeResult(int Frames, int Width, int Height, LumaScore Model, LumaScore Lanczos, LumaScore Bicubic, TimeSpan ModelTime);

/// <summary>Sample frames cropped to a multiple of <see cref="Scale"/> (<see cref="Originals"/>) and shrunk by it (<see cref="Small"/>).</summary>
public sealed record ShrunkFrames(int Scale, int Width, int Height, IReadOnlyList<byte[]> Originals, IReadOnlyList<byte[]> Small)
{
    public int SmallWidth => Width / Scale;

    public int SmallHeight => Height / Scale;
}

/// <summary>
/// Measures how much an upscaler recovers on one video's own pictures, where no higher-resolution original exists: each
/// sample frame is shrunk by the upscaler's scale (bicubic, as the evaluation harness degrades its held-out clips),
/// enlarged again by the upscaler and by lanczos and bicubic, and each enlargement is scored against the frame itself
/// (<see cref="FrameQuality"/>: PSNR-Y and SSIM-Y). A model that beats lanczos here restores detail of this footage's kind;
/// the figures are for the frame at its own size, so they speak for the model on this content, not for the upscaled video
/// itself, whose true high-resolution picture nobody has. The three steps are separate so that a device is held only
/// for <see cref="Enhance"/>: shrinking and scoring run on the CPU.
/// </summary>
public static class UpscaleProbe
{
    /// <summary>The smallest side of a shrunk frame that is measured; smaller frames hold too few pixels to say anything.</summary>
    public const int MinimumShrunkSide = 8;

    /// <summary>All three steps on one enhancer.</summary>
    public static async Task<UpscaleProbeResult> MeasureAsync(IReadOnlyList<byte[]> frames, int width, int height, IFrameEnhancer enhancer,
        CancellationToken cancellationToken)
    {
        var shrunk = await ShrinkAsync(frames, width, height, enhancer.Scale, cancellationToken);
        var (enhanced, time) = Enhance(shrunk, enhancer, cancellationToken);
        return await ScoreAsync(shrunk, enhanced, time, cancellationToken);
    }

    /// <exception cref="ArgumentException">No frames, or frames too small to shrink by <paramref name="scale"/>.</exception>
    public static async Task<ShrunkFrames> ShrinkAsync(IReadOnlyList<byte[]> frames, int width, int height, int scale, CancellationToken cancellationToken)
    {
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
        var originals = frames.Select(frame => Crop(frame, width, fullWidth, fullHeight)).ToList();
        var small = new List<byte[]>(originals.Count);
        foreach (var original in originals)
        {
            small.Add(await RawFrameResize.ResizeAsync(original, fullWidth, fullHeight, smallWidth, smallHeight, "bicubic", cancellationToken));
        }

        return new ShrunkFrames(scale, fullWidth, fullHeight, originals, small);
    }

    /// <summary>
    /// Runs the enhancer on each shrunk frame and times it. The first frame is run once more beforehand, untimed: the first
    /// run of a new input size plans the model for it (cuDNN's convolution search, a TensorRT engine), which is no part of
    /// the per-frame time.
    /// </summary>
    public static (IReadOnlyList<byte[]> Frames, TimeSpan Time) Enhance(ShrunkFrames shrunk, IFrameEnhancer enhancer, CancellationToken cancellationToken)
    {
        if (enhancer.Scale != shrunk.Scale)
        {
            throw new ArgumentException($"The frames were shrunk by {shrunk.Scale}, but the enhancer scales by {enhancer.Scale}.", nameof(enhancer));
        }

        enhancer.Enhance([shrunk.Small[0]], shrunk.SmallWidth, shrunk.SmallHeight, cancellationToken);
        var enhanced = new List<byte[]>(shrunk.Small.Count);
        var started = Stopwatch.GetTimestamp();
        foreach (var small in shrunk.Small)
        {
            enhanced.Add(enhancer.Enhance([small], shrunk.SmallWidth, shrunk.SmallHeight, cancellationToken)[0]);
        }

        return (enhanced, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Enlarges the shrunk frames with lanczos and bicubic and scores them and <paramref name="enhanced"/> against the originals.</summary>
    public static async Task<UpscaleProbeResult> ScoreAsync(ShrunkFrames shrunk, IReadOnlyList<byte[]> enhanced, TimeSpan modelTime,
        CancellationToken cancellationToken)
    {
        var (width, height) = (shrunk.Width, shrunk.Height);
        var scores = new List<(LumaScore Model, LumaScore Lanczos, LumaScore Bicubic)>(shrunk.Originals.Count);
        for (var i = 0; i < shrunk.Originals.Count; i++)
        {
            var lanczos = await RawFrameResize.ResizeAsync(shrunk.Small[i], shrunk.SmallWidth, shrunk.SmallHeight, width, height, "lanczos", cancellationToken);
            var bicubic = await RawFrameResize.ResizeAsync(shrunk.Small[i], shrunk.SmallWidth, shrunk.SmallHeight, width, height, "bicubic", cancellationToken);
            var reference = FrameQuality.Luma(shrunk.Originals[i]);
            var model = enhanced[i];
            // Three independent scores of a large frame: one core each.
            var scored = await Task.WhenAll(new[] { model, lanczos, bicubic }.Select(candidate => Task.Run(() => Score(reference, candidate, width, height), cancellationToken)));
            scores.Add((scored[0], scored[1], scored[2]));
        }

        return new UpscaleProbeResult(scores.Count, width, height, Mean(scores.Select(s => s.Model)), Mean(scores.Select(s => s.Lanczos)),
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
