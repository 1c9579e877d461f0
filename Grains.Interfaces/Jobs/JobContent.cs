namespace Vsr.Grains.Jobs;

/// <summary>The values of a job's <c>content</c> option.</summary>
public static class JobContent
{
    /// <summary>Let the service measure the video and choose.</summary>
    public const string Auto = "auto";

    /// <summary>Live action, camera footage, CGI: the project's own <c>real-x*</c> models.</summary>
    public const string Live = "live";

    /// <summary>Drawn animation: the Real-ESRGAN anime family.</summary>
    public const string Animation = "animation";

    public static IReadOnlyList<string> All { get; } = [Auto, Live, Animation];

    /// <summary>The canonical (lower-case) value, or null when <paramref name="value"/> is none of them.</summary>
    public static string? Normalize(string? value) => All.FirstOrDefault(v => string.Equals(v, value?.Trim(), StringComparison.OrdinalIgnoreCase));
}
