namespace Vsr.Grains.Jobs;

/// <summary>PSNR (dB) and SSIM of a method's luma against the video's own frames.</summary>
/// <param name="TemporalPsnrY">
/// Flicker: the PSNR-Y of the method's frame-to-frame change against the video's own, over the parts of consecutive
/// frames where the picture stands still; null where none did.
/// </param>
[GenerateSerializer, Immutable]
public sealed record LumaQuality(
    [property: Id(0)] double PsnrY,
    [property: Id(1)] double SsimY,
    [property: Id(2)] double? TemporalPsnrY = null);

/// <summary>
/// How well the job's upscaler does on this video's own pictures: sample frames shrunk by the job's scale, enlarged
/// again by the model and by lanczos and bicubic, each scored against the frame itself. Asked for with
/// <c>qualityReport</c>; measured once, beside the job's chunks, and in the job before its output is assembled. A
/// measurement that failed leaves the job as it is and says why in <see cref="Error"/>.
/// </summary>
/// <param name="Model">The upscaler measured (the job's restorers and sharpening are not part of it).</param>
/// <param name="Scale">The scale it was measured at: the job's.</param>
/// <param name="Frames">How many frames were measured.</param>
/// <param name="Width">The width of the frames as scored: the source's, less the columns the scale does not divide.</param>
/// <param name="Height">The height of the frames as scored.</param>
/// <param name="Enhanced">The model's enlargement.</param>
/// <param name="Lanczos">lanczos's enlargement of the same shrunk frames.</param>
/// <param name="Bicubic">bicubic's enlargement of the same shrunk frames.</param>
/// <param name="ModelMillisecondsPerFrame">The model's own time per shrunk frame on <see cref="Device"/>.</param>
/// <param name="Device">The device key the measurement ran on.</param>
/// <param name="Error">Why no figures could be measured, or null.</param>
/// <param name="Pairs">
/// How many pairs of consecutive frames (each sample frame and the one after it) were measured for the temporal figures
/// (<see cref="LumaQuality.TemporalPsnrY"/>). 0 in a report measured before these figures existed, or of a one-frame video.
/// </param>
/// <param name="StillFraction">The share of the pairs' pixels where the picture stood still, over which the temporal figures are taken.</param>
[GenerateSerializer, Immutable]
public sealed record QualityReport(
    [property: Id(0)] string Model,
    [property: Id(1)] int Scale,
    [property: Id(2)] int Frames = 0,
    [property: Id(3)] int Width = 0,
    [property: Id(4)] int Height = 0,
    [property: Id(5)] LumaQuality? Enhanced = null,
    [property: Id(6)] LumaQuality? Lanczos = null,
    [property: Id(7)] LumaQuality? Bicubic = null,
    [property: Id(8)] double? ModelMillisecondsPerFrame = null,
    [property: Id(9)] string? Device = null,
    [property: Id(10)] string? Error = null,
    [property: Id(11)] int Pairs = 0,
    [property: Id(12)] double? StillFraction = null)
{
    /// <summary>The model's PSNR-Y above lanczos's, in dB: positive when the model recovers more of this footage.</summary>
    public double? GainOverLanczosDb => Enhanced is { } model && Lanczos is { } lanczos ? Math.Round(model.PsnrY - lanczos.PsnrY, 3) : null;

    /// <summary>
    /// The model's temporal PSNR-Y above lanczos's, in dB: negative when the model's picture changes more than the video's
    /// own where it stands still (flicker) than lanczos's does; null where no still part was measured.
    /// </summary>
    public double? TemporalGainOverLanczosDb => Enhanced?.TemporalPsnrY is { } model && Lanczos?.TemporalPsnrY is { } lanczos
        ? Math.Round(model - lanczos, 3)
        : null;
}
