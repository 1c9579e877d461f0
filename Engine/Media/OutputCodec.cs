using System.Globalization;

namespace Vsr.Engine.Media;

/// <summary>The video codecs an output can be encoded with, each by its software encoder in Debian's ffmpeg.</summary>
public enum OutputCodec
{
    /// <summary>H.264 by libx264: plays everywhere.</summary>
    H264 = 0,

    /// <summary>H.265/HEVC by libx265: about the same picture in a smaller file, slower to encode; tagged <c>hvc1</c> in MP4.</summary>
    Hevc = 1,

    /// <summary>AV1 by SVT-AV1: smaller still; outputs must be at least 64×64.</summary>
    Av1 = 2,
}

/// <summary>Names, quality ranges and ffmpeg arguments of the <see cref="OutputCodec"/>s.</summary>
public static class OutputCodecs
{
    /// <summary>The names the API and the queue use, in order of <see cref="OutputCodec"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["h264", "hevc", "av1"];

    /// <summary>SVT-AV1 refuses pictures narrower or lower than this.</summary>
    public const int Av1MinimumSide = 64;

    /// <summary>SVT-AV1 refuses pictures taller than this (16384 wide is its widest; every encoder here stops there).</summary>
    public const int Av1MaximumHeight = 8704;

    /// <summary>The widest or tallest picture the encoders here take (libx264 refuses larger frames).</summary>
    public const int MaxEncodedSide = 16384;

    /// <summary>SVT-AV1 refuses frame rates above this.</summary>
    public const int Av1MaximumFrameRate = 240;

    public static string Name(this OutputCodec codec) => Names[(int)codec];

    /// <summary>The codec named <paramref name="name"/> (case-insensitive; <c>h265</c> is HEVC), or null.</summary>
    public static OutputCodec? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "h264" or "avc" => OutputCodec.H264,
        "hevc" or "h265" => OutputCodec.Hevc,
        "av1" => OutputCodec.Av1,
        _ => null,
    };

    /// <summary>The codec a job's <paramref name="name"/> asks for: H.264 when it names none, null when it names an unknown one.</summary>
    public static OutputCodec? ForJob(string? name) => name is null ? OutputCodec.H264 : Parse(name);

    /// <summary>The constant-quality (CRF) values the encoder takes: lower is better and larger.</summary>
    public static (int Least, int Most) CrfRange(this OutputCodec codec) => codec == OutputCodec.Av1 ? (1, 63) : (0, 51);

    /// <summary>Whether the output's bit depth can be <paramref name="bits"/>: 8, or 10 (every codec here encodes 10-bit 4:2:0).</summary>
    public static bool IsBitDepth(int bits) => bits is 8 or 10;

    /// <summary>Why an output with these settings cannot be asked for, in words naming the allowed values; null when it can.</summary>
    /// <param name="codecName">The codec's name (<see cref="Parse"/>); null is H.264.</param>
    /// <param name="crf">The constant-quality value, or null for the default.</param>
    /// <param name="bitDepth">8 or 10.</param>
    public static string? Refusal(string? codecName, int? crf, int bitDepth)
    {
        if (ForJob(codecName) is not { } codec)
        {
            return $"'codec' must be one of {string.Join(", ", Names)}, not '{codecName}'";
        }

        var (least, most) = codec.CrfRange();
        if (crf is { } value && (value < least || value > most))
        {
            return $"'crf' of {codec.Name()} must be from {least} to {most} (lower is better and larger), not {value}";
        }

        if (!IsBitDepth(bitDepth))
        {
            return $"'bitDepth' must be 8 or 10, not {bitDepth}";
        }

        // libx264 encodes it (High 10), but browsers, Apple's players and hardware decoders generally do not play it.
        return codec == OutputCodec.H264 && bitDepth == 10
            ? "'bitDepth' 10 needs 'codec' hevc or av1: 10-bit H.264 (High 10) plays in few players"
            : null;
    }

    /// <summary>Why <paramref name="codec"/> cannot encode a <paramref name="width"/>×<paramref name="height"/> picture; null when it can.</summary>
    public static string? SizeRefusal(this OutputCodec codec, int width, int height) =>
        Math.Max(width, height) > MaxEncodedSide
            ? $"The encoders take at most {MaxEncodedSide} pixels a side; this output would be {width}x{height}. Choose a smaller scale or send a smaller video"
        : codec != OutputCodec.Av1 ? null
        : Math.Min(width, height) < Av1MinimumSide
            ? $"AV1 (SVT-AV1) encodes pictures of at least {Av1MinimumSide}x{Av1MinimumSide}; this output would be {width}x{height}. Choose a larger scale or another codec"
        : height > Av1MaximumHeight
            ? $"AV1 (SVT-AV1) encodes pictures at most {Av1MaximumHeight} pixels high; this output would be {width}x{height}. Choose a smaller scale or another codec"
            : null;

    /// <summary>The encoder arguments for <paramref name="codec"/> at <paramref name="crf"/>.</summary>
    /// <param name="preset">libx264's or libx265's preset (their names are the same).</param>
    /// <param name="av1Preset">SVT-AV1's preset, 0 (slowest) to 13.</param>
    /// <param name="frameRate">
    /// The source's nominal rate (numerator, denominator). SVT-AV1 takes its rate from ffmpeg's guess on the raw pipe, which
    /// for a chunk of one or two frames (or irregular timing) is a million per second, above the most it accepts; it is
    /// told the nominal rate instead, at most <see cref="Av1MaximumFrameRate"/>. The frames keep their own timestamps.
    /// </param>
    public static IReadOnlyList<string> EncoderArguments(this OutputCodec codec, int crf, string preset, int av1Preset, (int Numerator, int Denominator) frameRate)
    {
        var quality = crf.ToString(CultureInfo.InvariantCulture);
        return codec switch
        {
            OutputCodec.H264 => ["-c:v", "libx264", "-preset", preset, "-crf", quality],
            // x265 writes its own banner and statistics to stderr unless told not to.
            OutputCodec.Hevc => ["-c:v", "libx265", "-preset", preset, "-crf", quality, "-x265-params", "log-level=error"],
            OutputCodec.Av1 => ["-c:v", "libsvtav1", "-preset", av1Preset.ToString(CultureInfo.InvariantCulture), "-crf", quality,
                "-svtav1-params", Av1Rate(frameRate)],
            _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, null),
        };
    }

    private static string Av1Rate((int Numerator, int Denominator) rate)
    {
        var (numerator, denominator) = rate.Numerator > 0 && rate.Denominator > 0 ? rate : (25, 1);
        if ((double)numerator / denominator > Av1MaximumFrameRate)
        {
            (numerator, denominator) = (Av1MaximumFrameRate, 1);
        }

        return string.Create(CultureInfo.InvariantCulture, $"fps-num={numerator}:fps-denom={denominator}");
    }

    /// <summary>
    /// The MP4 sample entry to write, where ffmpeg's default does not suit players: <c>hvc1</c> for HEVC, which Apple's
    /// players require (ffmpeg writes <c>hev1</c>); null otherwise.
    /// </summary>
    public static string? Mp4Tag(this OutputCodec codec) => codec == OutputCodec.Hevc ? "hvc1" : null;
}
