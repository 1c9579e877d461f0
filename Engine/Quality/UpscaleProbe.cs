using System.Diagnostics;
using Vsr.Engine.Media;

namespace Vsr.Engine.Quality;

/// <summary>PSNR and SSIM of a method's luma against the source frames, averaged over the frames measured.</summary>
/// <param name="TemporalPsnrY">
/// How steady the method's picture is where the source's stands still, from one frame to the next (flicker): over the
/// still parts of each pair of consecutive frames (<see cref="UpscaleProbe.IsStill"/>), the PSNR-Y of the method's change
/// from the first frame to the second against the source's change there, the squared errors of all pairs pooled; null
/// where no pair had a still part. The method's change less the source's is the change of the method's error, so an error
/// that stays put (softness, a level off) costs nothing, and one that comes and goes does. Not motion-compensated: moving
/// parts are left out, as their error moves with them.
/// </param>
public sealed record LumaScore(double PsnrY, double SsimY, double? TemporalPsnrY = null);

/// <summary>What <see cref="UpscaleProbe"/> measured on a video's own frames.</summary>
/// <param name="Frames">How many frames were measured.</param>
/// <param name="Width">The width of each frame as scored (the source's, less the columns that do not divide by the scale).</param>
/// <param name="Height">The height of each frame as scored.</param>
/// <param name="Model">The enhancer's output.</param>
/// <param name="Lanczos">swscale's lanczos enlargement of the same shrunk frames.</param>
/// <param name="Bicubic">swscale's bicubic enlargement of the same shrunk frames.</param>
/// <param name="ModelTime">The enhancer's own time, all frames together, after one untimed run to warm it up.</param>
/// <param name="Pairs">How many pairs of consecutive frames were measured for the temporal figures (<see cref="LumaScore.TemporalPsnrY"/>).</param>
/// <param name="StillFraction">The share of the pairs' pixels that stood still and so were counted in the temporal figures; null without pairs.</param>
public sealed record UpscaleProbeResult(int Frames, int Width, int Height, LumaScore Model, LumaScore Lanczos, LumaScore Bicubic, TimeSpan ModelTime,
    int Pairs = 0, double? StillFraction = null);

/// <summary>Sample frames cropped to a multiple of <see cref="Scale"/> (<see cref="Originals"/>) and shrunk by it (<see cref="Small"/>).</summary>
/// <param name="RunLengths">
/// How the frames group into runs of consecutive frames of the video, in order (their sum is the frame count); null when
/// each frame stands alone.
/// </param>
public sealed record ShrunkFrames(int Scale, int Width, int Height, IReadOnlyList<byte[]> Originals, IReadOnlyList<byte[]> Small,
    IReadOnlyList<int>? RunLengths = null)
{
    public int SmallWidth => Width / Scale;

    public int SmallHeight => Height / Scale;

    /// <summary>The runs as (first frame, length); each frame a run of its own when <see cref="RunLengths"/> is null.</summary>
    public IEnumerable<(int First, int Length)> Runs()
    {
        var first = 0;
        foreach (var length in RunLengths ?? Enumerable.Repeat(1, Originals.Count))
        {
            yield return (first, length);
            first += length;
        }
    }
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

    /// <summary>All three steps on one enhancer, each frame on its own.</summary>
    public static Task<UpscaleProbeResult> MeasureAsync(IReadOnlyList<byte[]> frames, int width, int height, IFrameEnhancer enhancer,
        CancellationToken cancellationToken) =>
        MeasureAsync(frames.Select(frame => new[] { frame }).ToList(), width, height, enhancer, cancellationToken);

    /// <summary>All three steps on one enhancer, on runs of consecutive frames (<see cref="FrameSampler.SampleRunsAsync"/>).</summary>
    public static async Task<UpscaleProbeResult> MeasureAsync(IReadOnlyList<byte[][]> runs, int width, int height, IFrameEnhancer enhancer,
        CancellationToken cancellationToken)
    {
        var shrunk = await ShrinkAsync(runs, width, height, enhancer.Scale, cancellationToken);
        var (enhanced, time) = Enhance(shrunk, enhancer, cancellationToken);
        return await ScoreAsync(shrunk, enhanced, time, cancellationToken);
    }

    /// <exception cref="ArgumentException">No frames, or frames too small to shrink by <paramref name="scale"/>.</exception>
    public static Task<ShrunkFrames> ShrinkAsync(IReadOnlyList<byte[]> frames, int width, int height, int scale, CancellationToken cancellationToken) =>
        ShrinkAsync(frames.Select(frame => new[] { frame }).ToList(), width, height, scale, cancellationToken);

    /// <summary>Crops and shrinks runs of consecutive frames, keeping the runs for the temporal figures.</summary>
    /// <exception cref="ArgumentException">No frames, or frames too small to shrink by <paramref name="scale"/>.</exception>
    public static async Task<ShrunkFrames> ShrinkAsync(IReadOnlyList<byte[][]> runs, int width, int height, int scale, CancellationToken cancellationToken)
    {
        var frames = runs.SelectMany(run => run).ToList();
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

        return new ShrunkFrames(scale, fullWidth, fullHeight, originals, small, runs.Where(run => run.Length > 0).Select(run => run.Length).ToList());
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

    /// <summary>
    /// Enlarges the shrunk frames with lanczos and bicubic and scores them and <paramref name="enhanced"/> against the
    /// originals: each frame on its own, and each pair of consecutive frames in a run for the change between them.
    /// </summary>
    public static async Task<UpscaleProbeResult> ScoreAsync(ShrunkFrames shrunk, IReadOnlyList<byte[]> enhanced, TimeSpan modelTime,
        CancellationToken cancellationToken)
    {
        var (width, height) = (shrunk.Width, shrunk.Height);
        var frames = new List<LumaScore[]>(shrunk.Originals.Count);
        // Per method, the squared change of its error over the still pixels of every pair, and how many pixels those were.
        var changeSquared = new double[3];
        var (pairs, still) = (0, 0L);
        foreach (var (first, length) in shrunk.Runs())
        {
            // The run's previous frame: the source's luma, and each method's error, kept for the change to the next.
            (double[] Reference, float[][] Errors)? previous = null;
            for (var i = first; i < first + length; i++)
            {
                var lanczos = await RawFrameResize.ResizeAsync(shrunk.Small[i], shrunk.SmallWidth, shrunk.SmallHeight, width, height, "lanczos", cancellationToken);
                var bicubic = await RawFrameResize.ResizeAsync(shrunk.Small[i], shrunk.SmallWidth, shrunk.SmallHeight, width, height, "bicubic", cancellationToken);
                var reference = FrameQuality.Luma(shrunk.Originals[i]);
                // Three independent scores of a large frame: one core each.
                var scored = await Task.WhenAll(new[] { enhanced[i], lanczos, bicubic }
                    .Select(candidate => Task.Run(() => Score(reference, candidate, width, height), cancellationToken)));
                frames.Add(scored.Select(s => s.Score).ToArray());
                var errors = scored.Select(s => s.Error).ToArray();
                if (previous is { } before)
                {
                    var mask = IsStill(before.Reference, reference, width, height);
                    pairs++;
                    still += mask.Count(m => m);
                    for (var method = 0; method < 3; method++)
                    {
                        changeSquared[method] += ChangeSquared(errors[method], before.Errors[method], mask);
                    }
                }

                previous = (reference, errors);
            }
        }

        double? Temporal(int method) => still > 0 ? FrameQuality.PsnrOf(changeSquared[method] / still) : null;
        LumaScore Mean(int method) => new(frames.Average(f => f[method].PsnrY), frames.Average(f => f[method].SsimY), Temporal(method));
        return new UpscaleProbeResult(frames.Count, width, height, Mean(0), Mean(1), Mean(2), modelTime, pairs,
            pairs > 0 ? (double)still / ((long)pairs * width * height) : null);
    }

    /// <summary>The mean absolute change of the source's luma, in levels, under which an 8×8 block counts as still.</summary>
    public const double StillThreshold = 3;

    /// <summary>
    /// The pixels of the 8×8 blocks (and the partial blocks at the edges) whose source luma changes by at most
    /// <see cref="StillThreshold"/> levels on average from <paramref name="first"/> to <paramref name="second"/>: the
    /// parts of the picture that stand still, give or take the sensor's noise.
    /// </summary>
    public static bool[] IsStill(double[] first, double[] second, int width, int height)
    {
        const int block = 8;
        var mask = new bool[width * height];
        for (var by = 0; by < height; by += block)
        {
            for (var bx = 0; bx < width; bx += block)
            {
                var (sum, count) = (0.0, 0);
                for (var y = by; y < Math.Min(by + block, height); y++)
                {
                    for (var x = bx; x < Math.Min(bx + block, width); x++)
                    {
                        sum += Math.Abs(second[(y * width) + x] - first[(y * width) + x]);
                        count++;
                    }
                }

                if (sum / count <= StillThreshold)
                {
                    for (var y = by; y < Math.Min(by + block, height); y++)
                    {
                        Array.Fill(mask, true, (y * width) + bx, Math.Min(block, width - bx));
                    }
                }
            }
        }

        return mask;
    }

    /// <summary>
    /// The summed square of a method's change of error over the masked pixels: its frame-to-frame change less the
    /// source's there.
    /// </summary>
    private static double ChangeSquared(float[] error, float[] previousError, bool[] mask)
    {
        var squared = 0.0;
        for (var i = 0; i < error.Length; i++)
        {
            if (mask[i])
            {
                var d = (double)error[i] - previousError[i];
                squared += d * d;
            }
        }

        return squared;
    }

    /// <summary>A method's PSNR-Y and SSIM-Y against the reference, and its error (method less reference) at each pixel.</summary>
    private static (LumaScore Score, float[] Error) Score(double[] reference, byte[] candidate, int width, int height)
    {
        if (candidate.Length != width * height * 3)
        {
            throw new InvalidOperationException($"An enlargement has {candidate.Length} bytes, not the {width * height * 3} of a {width}x{height} frame.");
        }

        var luma = FrameQuality.Luma(candidate);
        var error = new float[luma.Length];
        for (var i = 0; i < error.Length; i++)
        {
            error[i] = (float)(luma[i] - reference[i]);
        }

        return (new LumaScore(FrameQuality.Psnr(reference, luma), FrameQuality.Ssim(reference, luma, width, height)), error);
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
