using Vsr.Engine.Quality;
using Vsr.Train.Data;

namespace Vsr.Train.Evaluation;

/// <summary>PSNR and SSIM of an image against the original, in RGB and in luma, by <see cref="FrameQuality"/>'s definitions.</summary>
public static class ImageQuality
{
    public static QualityScore Measure(RgbImage original, RgbImage candidate)
    {
        if (original.Width != candidate.Width || original.Height != candidate.Height)
        {
            throw new ArgumentException($"sizes differ: {original.Width}x{original.Height} vs {candidate.Width}x{candidate.Height}");
        }

        var (w, h) = (original.Width, original.Height);
        var psnrRgb = FrameQuality.Psnr(original.Pixels.Select(b => (double)b).ToArray(), candidate.Pixels.Select(b => (double)b).ToArray());
        var yA = FrameQuality.Luma(original.Pixels);
        var yB = FrameQuality.Luma(candidate.Pixels);
        var ssimRgb = Enumerable.Range(0, 3).Average(c => FrameQuality.Ssim(FrameQuality.Channel(original.Pixels, c), FrameQuality.Channel(candidate.Pixels, c), w, h));
        return new QualityScore(psnrRgb, FrameQuality.Psnr(yA, yB), ssimRgb, FrameQuality.Ssim(yA, yB, w, h));
    }
}
