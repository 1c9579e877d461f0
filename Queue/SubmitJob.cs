namespace Vsr.Queue;

/// <summary>
/// A request to create a job, carried from the API to the silos. The job id is also the message id, so a message
/// delivered twice names the same job twice; the consumer side turns that into one job.
/// </summary>
/// <param name="JobId">The job's id: the key of its job grain and the message id on the wire.</param>
/// <param name="SourceKey">Where the uploaded video is kept in the object store.</param>
/// <param name="FileName">The name the user uploaded the video under.</param>
/// <param name="Scale">The upscaling factor (2 or 4).</param>
/// <param name="Model">The model the user named, or null to let <paramref name="Content"/> choose.</param>
/// <param name="SubmittedAt">When the API accepted the request.</param>
/// <param name="Content"><c>auto</c>, <c>live</c> or <c>animation</c>.</param>
/// <param name="Denoise">Remove noise before upscaling.</param>
/// <param name="Deblock">Remove compression artefacts before upscaling.</param>
/// <param name="Sharpen">Strength of the sharpening after upscaling, 0 (none) to 1.</param>
/// <param name="CallbackUrl">An absolute http(s) URL to POST the job's end to, or null.</param>
/// <param name="QualityReport">Measure the upscaler against lanczos on the video's own frames.</param>
/// <param name="Codec">The output's video codec (<c>h264</c>, <c>hevc</c>, <c>av1</c>), or null for H.264.</param>
/// <param name="Crf">The encoder's constant-quality value, or null for the silos' default for the codec.</param>
/// <param name="BitDepth">The output's bits per sample: 8 or 10.</param>
public sealed record SubmitJob(
    Guid JobId,
    string SourceKey,
    string FileName,
    int Scale,
    string? Model,
    DateTimeOffset SubmittedAt,
    string Content = "auto",
    bool Denoise = false,
    bool Deblock = false,
    double Sharpen = 0,
    string? CallbackUrl = null,
    bool QualityReport = false,
    string? Codec = null,
    int? Crf = null,
    int BitDepth = 8)
{
    /// <summary>Whether <paramref name="value"/> is a sharpening strength: 0 to 1 (NaN is not).</summary>
    public static bool IsSharpenStrength(double value) => value is >= 0 and <= 1;

    /// <summary>Whether <paramref name="text"/> can be a callback URL: absolute http or https, with no user name or password in it.</summary>
    public static bool IsCallbackUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.UserInfo.Length == 0 && text.Length <= 2048;
}
