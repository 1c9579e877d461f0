namespace Vsr.Train.Degradation;

/// <summary>
/// How a clean high-resolution patch is turned into the network's input, applied in this order with these
/// probabilities: mild Gaussian blur, downscale (bicubic or area, at random), Gaussian noise, then at most one
/// of JPEG (ffmpeg mjpeg, -q:v) or x264 (ffmpeg libx264 on a short moving patch sequence, or with
/// <see cref="ClipSequences"/> on whole synthetic clips at x1, -crf).
/// </summary>
public sealed record DegradationRecipe(
    double BlurProbability,
    double BlurSigmaMax,
    double NoiseProbability,
    double NoiseSigmaMax,
    double JpegProbability,
    int JpegQualityMin,
    int JpegQualityMax,
    double X264Probability,
    int CrfMin,
    int CrfMax,
    bool ClipSequences = false,
    double ClipDownscaleProbability = 0,
    bool BlockAlignedCrops = false,
    string? ClipDecodeFilter = null,
    bool PreCodedSources = false)
{
    /// <summary>Upscaling: mostly clean downscales, with light noise and light compression now and then.</summary>
    public static DegradationRecipe Upscale { get; } = new(0.1, 0.8, 0.1, 3, 0.05, 2, 6, 0.1, 18, 26);

    /// <summary>Restoration at x1: noise up to σ 30 and hard JPEG/x264 compression.</summary>
    public static DegradationRecipe Restore { get; } = new(0.1, 0.8, 0.55, 30, 0.15, 4, 25, 0.4, 28, 45);

    /// <summary>Denoising at x1: Gaussian noise σ 0–30 (colour or grey) on nine patches in ten, nothing else.</summary>
    public static DegradationRecipe Denoise { get; } = new(0, 0, 0.9, 30, 0, 2, 2, 0, 18, 18);

    /// <summary>
    /// Compression artefact removal at x1: x264 crf 35–45 on whole synthetic clips (<see cref="ClipSequenceSource"/>,
    /// 85 in 100 patches), hard JPEG (one in ten), light noise σ ≤ 4 before the encoder now and then.
    /// </summary>
    public static DegradationRecipe Deblock { get; } = new(0, 0, 0.2, 4, 0.1, 6, 25, 0.85, 35, 45, ClipSequences: true);

    /// <summary>
    /// <see cref="Deblock"/> with half the clips panned across the photo area-averaged to half size
    /// (<see cref="ClipDownscaleProbability"/>), so that detail is as dense as in standard-definition footage.
    /// </summary>
    public static DegradationRecipe DeblockSd { get; } = Deblock with { ClipDownscaleProbability = 0.5 };

    /// <summary>
    /// <see cref="Deblock"/> with the clip patches cut on x264's 16-pixel macroblock grid
    /// (<see cref="BlockAlignedCrops"/>), for networks that can tell where in a block a pixel sits (unshuffle 4).
    /// </summary>
    public static DegradationRecipe DeblockGrid { get; } = Deblock with { BlockAlignedCrops = true };

    /// <summary><see cref="Deblock"/> with every patch from the x264 clips and none from JPEG (for <c>validate</c>).</summary>
    public static DegradationRecipe DeblockX264 { get; } = Deblock with { JpegProbability = 0, X264Probability = 1 };

    /// <summary>
    /// <see cref="DeblockX264"/> with the evaluation's ffmpeg <c>spp</c> run on the decoded clips (<see cref="ClipDecodeFilter"/>):
    /// an experiment in training a network for the classical filter's output (docs/deblock-experiments.md).
    /// </summary>
    public static DegradationRecipe DeblockSpp { get; } = DeblockX264 with { ClipDecodeFilter = Evaluation.QualityEvaluation.SppFilter };

    /// <summary>
    /// <see cref="DeblockX264"/> whose clips are first coded once with an older codec at a good quality
    /// (<see cref="PreCodedSources"/>): the reference is footage as it is found, already compressed, and x264 crf 35–45
    /// is applied on top of it (an experiment, docs/deblock-experiments.md).
    /// </summary>
    public static DegradationRecipe DeblockPreCoded { get; } = DeblockX264 with { PreCodedSources = true };

    /// <summary>Clean downscale only (tests).</summary>
    public static DegradationRecipe None { get; } = new(0, 0, 0, 0, 0, 2, 2, 0, 18, 18);

    public static DegradationRecipe Named(string name) => name switch
    {
        "upscale" => Upscale,
        "restore" => Restore,
        "denoise" => Denoise,
        "deblock" => Deblock,
        "deblock-sd" => DeblockSd,
        "deblock-grid" => DeblockGrid,
        "deblock-x264" => DeblockX264,
        "deblock-spp" => DeblockSpp,
        "deblock-precoded" => DeblockPreCoded,
        "none" => None,
        _ => throw new ArgumentException($"unknown recipe '{name}' (upscale, restore, denoise, deblock, deblock-sd, deblock-grid, deblock-x264, deblock-spp, deblock-precoded, none)"),
    };
}
