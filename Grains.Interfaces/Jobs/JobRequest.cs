namespace Vsr.Grains.Jobs;

/// <summary>What a user asked for: which stored source to enhance, and how.</summary>
/// <param name="SourceKey">Where the upload is kept in the object store.</param>
/// <param name="FileName">The name the user uploaded it under.</param>
/// <param name="Scale">2 or 4.</param>
/// <param name="Model">A model the user named, or null to let <paramref name="Content"/> choose.</param>
/// <param name="Content"><c>auto</c>, <c>live</c> or <c>animation</c> (<see cref="JobContent"/>); ignored when a model is named.</param>
/// <param name="Denoise">Run the restorer before upscaling to remove noise.</param>
/// <param name="Deblock">Run the restorer before upscaling to remove compression artefacts.</param>
/// <param name="Sharpen">Contrast-adaptive sharpening of the upscaled frames, 0 (none) to 1.</param>
/// <param name="CallbackUrl">An absolute http(s) URL that is POSTed a signed event when the job ends, or null.</param>
/// <param name="Codec">The output's video codec: <c>h264</c> (also when null), <c>hevc</c> or <c>av1</c>.</param>
/// <param name="Crf">The encoder's constant-quality value, or null for the silos' default for the codec.</param>
/// <param name="BitDepth">The output's bits per sample: 8 (also when null) or 10. Nullable because a request saved before the field
/// existed reads back without it (the serializer runs no constructor), and must read as 8.</param>
/// <param name="QualityReport">Measure the upscaler against lanczos on the video's own frames (<see cref="Jobs.QualityReport"/>).</param>
[GenerateSerializer, Immutable]
public sealed record JobRequest(
    [property: Id(0)] string SourceKey,
    [property: Id(1)] string FileName,
    [property: Id(2)] int Scale,
    [property: Id(3)] string? Model,
    [property: Id(4)] string Content = JobContent.Auto,
    [property: Id(5)] bool Denoise = false,
    [property: Id(6)] bool Deblock = false,
    [property: Id(7)] double Sharpen = 0,
    [property: Id(8)] string? CallbackUrl = null,
    [property: Id(9)] bool QualityReport = false,
    [property: Id(10)] string? Codec = null,
    [property: Id(11)] int? Crf = null,
    [property: Id(12)] int? BitDepth = null);
