using System.Globalization;
using System.Text.Json;

namespace Vsr.Engine.Media;

/// <summary>Reads stream layout, exact frame count and keyframe positions of a video.</summary>
public static class VideoProbe
{
    /// <summary>An r_frame_rate above this is a timestamp artefact (e.g. 90000/1), not a real rate.</summary>
    private const double MaxPlausibleFrameRate = 1000;

    /// <summary>
    /// Throws <see cref="InvalidVideoException"/> when the file has no decodable video stream. <paramref name="path"/> may
    /// also be an http(s) URL, which ffprobe reads in place (with Range requests where it seeks), of the version with
    /// <paramref name="eTag"/> when given; a read the server refuses or that stalls throws <see cref="SourceUnreadableException"/>.
    /// Either way only the formats and protocols of <see cref="SourceInput"/> are opened.
    /// </summary>
    public static async Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken, string? eTag = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var isUrl = SourceInput.IsUrl(path);
        var inputOptions = isUrl ? SourceInput.Url(eTag) : SourceInput.LocalFile;
        if (!isUrl && !File.Exists(path))
        {
            throw new FileNotFoundException("The video file does not exist.", path);
        }

        using var layout = await ReadLayoutAsync(path, inputOptions, cancellationToken);
        var root = layout.RootElement;
        var streams = root.TryGetProperty("streams", out var s) ? s.EnumerateArray().ToList() : [];
        var video = streams.FirstOrDefault(st => CodecType(st) == "video" && !IsAttachedPicture(st));
        if (video.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidVideoException("no video stream");
        }

        var storedWidth = IntOrZero(video, "width");
        var storedHeight = IntOrZero(video, "height");
        if (storedWidth <= 0 || storedHeight <= 0)
        {
            throw new InvalidVideoException("the video stream has no picture size");
        }

        // The pipeline decodes the picture turned upright by the display matrix (ffmpeg's autorotate, or for an
        // interlaced source the same turn after deinterlacing), so a quarter turn swaps the size it reads.
        var rotation = Rotation(video);
        var quarterTurn = DisplayRotation.IsQuarterTurn(rotation);
        var (width, height) = quarterTurn ? (storedHeight, storedWidth) : (storedWidth, storedHeight);
        var (aspectNumerator, aspectDenominator) = PixelAspect(video);
        if (quarterTurn)
        {
            (aspectNumerator, aspectDenominator) = (aspectDenominator, aspectNumerator);
        }

        var streamIndex = IntOrZero(video, "index");
        var packets = await ReadPacketsAsync(path, inputOptions, streamIndex, cancellationToken);
        if (packets.FrameCount == 0)
        {
            throw new InvalidVideoException("the video stream has no frames");
        }

        var format = root.TryGetProperty("format", out var f) ? f : default;
        var duration = Seconds(format, "duration");
        var (rateNumerator, rateDenominator) = ChooseFrameRate(video, packets.FrameCount, duration);
        var timeBase = Rational(video, "time_base") ?? (1, 1);
        var (audio, audioLeftOut) = await AudioWithSoundAsync(path, inputOptions, streams, cancellationToken);
        var audioCodecs = audio.Select(a => a.Codec).ToList();

        return new VideoInfo(
            width,
            height,
            rateNumerator,
            rateDenominator,
            packets.FrameCount,
            duration ?? TimeSpan.FromSeconds(packets.FrameCount * (double)rateDenominator / rateNumerator),
            CodecName(video),
            audioCodecs.Count,
            streams.Where(st => CodecType(st) == "subtitle").Select(CodecName).ToList(),
            packets.KeyframeIndices)
        {
            VideoStreamIndex = streamIndex,
            TimeBaseNumerator = timeBase.Numerator,
            TimeBaseDenominator = timeBase.Denominator,
            KeyframePts = packets.KeyframePts,
            FramePts = packets.FramePts,
            LastFrameDuration = packets.LastFrameDuration,
            StartTime = Seconds(format, "start_time") ?? TimeSpan.Zero,
            AudioCodecs = audioCodecs,
            AudioOrdinals = audio.Select(a => a.Ordinal).ToList(),
            AudioStreamsLeftOut = audioLeftOut,
            UndecodableLeadingFrames = packets.UndecodableLeadingFrames,
            PixelAspectNumerator = aspectNumerator,
            PixelAspectDenominator = aspectDenominator,
            Color = new VideoColor(Text(video, "color_transfer"), Text(video, "color_primaries"), Text(video, "color_space"), Text(video, "color_range")),
            FieldOrder = Text(video, "field_order"),
            Rotation = rotation,
        };
    }

    private static async Task<JsonDocument> ReadLayoutAsync(string path, IReadOnlyList<string> inputOptions, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "-v", "error",
            "-show_entries",
            "stream=index,codec_type,codec_name,width,height,sample_aspect_ratio,r_frame_rate,avg_frame_rate,time_base,sample_rate,channels,"
                + "color_transfer,color_primaries,color_space,color_range,field_order"
                + ":stream_side_data=rotation:stream_disposition=attached_pic:format=start_time,duration",
            "-of", "json", .. inputOptions, path,
        ];
        var json = await RunProbeAsync(() => FfmpegProcess.CaptureOutputAsync(FfmpegProcess.Ffprobe, arguments, cancellationToken), path, cancellationToken);
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidVideoException("ffprobe could not read the file: unreadable stream list", e);
        }
    }

    private static Task<PacketIndex> ReadPacketsAsync(string path, IReadOnlyList<string> inputOptions, int streamIndex, CancellationToken cancellationToken) =>
        RunProbeAsync(() => PacketIndex.ReadAsync(path, streamIndex, cancellationToken, inputOptions), path, cancellationToken);

    /// <summary>
    /// An ffprobe failure on an existing file means the file is not a video we can read: say so to the user. Over a URL, a
    /// failure of the transport is no verdict on the video. A probe stopped by its token is a cancellation, whatever its exit.
    /// </summary>
    private static async Task<T> RunProbeAsync<T>(Func<Task<T>> probe, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await probe();
        }
        catch (FfmpegException e) when (e.InnerException is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (SourceInput.TransportFailed(path, e.StderrTail))
            {
                // Not the user's fault, and the details name the service's own hosts: kept out of the message.
                throw new SourceUnreadableException("The object store did not serve the video to the check.", e);
            }

            // (An inner exception means ffprobe itself could not start: a server fault, left as it is.)
            // ffprobe prefixes errors with the path; the user should not see server paths.
            var reason = e.StderrTail.Replace(path + ": ", "", StringComparison.Ordinal);
            throw new InvalidVideoException($"ffprobe could not read the file: {(reason.Length > 0 ? reason : "unknown error")}", e);
        }
    }

    private static (int Numerator, int Denominator) ChooseFrameRate(JsonElement video, int frameCount, TimeSpan? duration)
    {
        foreach (var field in (string[])["r_frame_rate", "avg_frame_rate"])
        {
            if (Rational(video, field) is { } rate && (double)rate.Numerator / rate.Denominator is > 0 and <= MaxPlausibleFrameRate)
            {
                return rate;
            }
        }

        // Both rates missing or absurd: fall back to the measured average, at millihertz precision.
        if (duration is { TotalSeconds: > 0 } d && frameCount / d.TotalSeconds <= MaxPlausibleFrameRate)
        {
            return ((int)Math.Round(frameCount / d.TotalSeconds * 1000), 1000);
        }

        throw new InvalidVideoException("the video stream has no usable frame rate");
    }

    /// <summary>The stream's sample aspect ratio (ffprobe writes <c>16:15</c>); 1:1 when square, unset (<c>0:1</c>) or absent.</summary>
    private static (int Numerator, int Denominator) PixelAspect(JsonElement stream) =>
        Rational(stream, "sample_aspect_ratio", ':') ?? (1, 1);

    private static (int Numerator, int Denominator)? Rational(JsonElement element, string name, char separator = '/')
    {
        var text = element.TryGetProperty(name, out var value) ? value.GetString() : null;
        var parts = text?.Split(separator);
        if (parts is [var n, var d]
            && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var numerator)
            && int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var denominator)
            && numerator > 0 && denominator > 0)
        {
            return (numerator, denominator);
        }

        return null;
    }

    private static TimeSpan? Seconds(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(name, out var value)
            && decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (Math.Abs(seconds) >= (decimal)TimeSpan.MaxValue.TotalSeconds)
            {
                throw new InvalidVideoException($"its {name.Replace('_', ' ')} ({seconds} s) is beyond any time this service can handle; remux it with its timestamps starting at 0 (ffmpeg -i in.mkv -map 0 -c copy -avoid_negative_ts make_zero out.mkv)");
            }

            return TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }

        return null;
    }

    /// <summary>
    /// Degrees of the stream's display matrix, 0 when it has none. ffmpeg 5.1 turns decoded frames by this matrix only
    /// (a legacy <c>rotate</c> tag is not applied by its decoder), so the tag is not read either.
    /// </summary>
    private static double Rotation(JsonElement stream)
    {
        if (stream.TryGetProperty("side_data_list", out var sideData) && sideData.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in sideData.EnumerateArray())
            {
                if (entry.TryGetProperty("rotation", out var rotation) && rotation.TryGetDouble(out var degrees))
                {
                    return degrees;
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// The audio streams that carry sound (codec, ordinal among the audio streams), and how many do not. A stream
    /// whose first samples come after ffprobe's first look (a second language that starts late) looks empty too, so
    /// before any is left out the layout is read again with a wider look (a minute, 200 MB).
    /// </summary>
    private static async Task<(List<(string Codec, int Ordinal)> Audio, int LeftOut)> AudioWithSoundAsync(string path, IReadOnlyList<string> inputOptions,
        List<JsonElement> streams, CancellationToken cancellationToken)
    {
        static List<(JsonElement Stream, int Ordinal)> Audio(IEnumerable<JsonElement> all) =>
            all.Where(st => CodecType(st) == "audio").Select((stream, ordinal) => (stream, ordinal)).ToList();

        var audio = Audio(streams);
        if (audio.All(a => CarriesSound(a.Stream)))
        {
            return (audio.Select(a => (CodecName(a.Stream), a.Ordinal)).ToList(), 0);
        }

        using var wider = await ReadLayoutAsync(path, [.. inputOptions, .. SourceInput.WideLook], cancellationToken);
        var again = Audio(wider.RootElement.TryGetProperty("streams", out var s) ? s.EnumerateArray() : []);
        var kept = again.Where(a => CarriesSound(a.Stream)).Select(a => (CodecName(a.Stream), a.Ordinal)).ToList();
        return (kept, again.Count - kept.Count);
    }

    /// <summary>Whether ffprobe found the audio stream's sample rate and channels: a stream without packets has neither.</summary>
    private static bool CarriesSound(JsonElement stream) =>
        stream.TryGetProperty("sample_rate", out var rate) && int.TryParse(rate.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var hertz) && hertz > 0
        && IntOrZero(stream, "channels") > 0;

    private static int IntOrZero(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : 0;

    private static string CodecType(JsonElement stream) => Text(stream, "codec_type");

    /// <summary>A string field of the stream; empty when absent or <c>unknown</c>.</summary>
    private static string Text(JsonElement stream, string name) =>
        stream.TryGetProperty(name, out var value) && value.GetString() is { } text and not "unknown" ? text : "";

    private static string CodecName(JsonElement stream) =>
        stream.TryGetProperty("codec_name", out var value) ? value.GetString() ?? "unknown" : "unknown";

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition)
        && disposition.TryGetProperty("attached_pic", out var flag)
        && flag.TryGetInt32(out var set) && set == 1;
}
