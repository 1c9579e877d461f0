namespace Vsr.Train.Evaluation;

/// <summary>Fidelity of one image against its original: PSNR (dB) and SSIM, on RGB (channel mean) and on luma Y.</summary>
public sealed record QualityScore(double PsnrRgb, double PsnrY, double SsimRgb, double SsimY)
{
    public static QualityScore Mean(IReadOnlyCollection<QualityScore> scores) => new(
        scores.Average(s => s.PsnrRgb), scores.Average(s => s.PsnrY), scores.Average(s => s.SsimRgb), scores.Average(s => s.SsimY));
}
