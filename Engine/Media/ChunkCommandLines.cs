using System.Globalization;

namespace Vsr.Engine.Media;

/// <summary>The ffmpeg arguments for the two ends of a chunk pipeline.</summary>
internal static class ChunkCommandLines
{
    private const string QuietFlags = "-hide_banner -nostats -v error";

    /// <summary>
    /// Decodes exactly the chunk's frames to raw RGB24 on stdout.
    /// A chunk that does not start at frame 0 is found by seeking to its keyframe's time and then cutting, with
    /// <c>trim=start_pts</c>, on the keyframe's own pts. <c>-copyts</c> keeps the stream's pts so that cut is an
    /// integer comparison, not float seconds: B-frame reordering, open GOPs (leading frames of the next GOP sort
    /// before its keyframe and are cut) and edit lists cannot shift it. The seek only chooses where decoding starts
    /// (<see cref="SeekTo"/>), so landing early costs time, never exactness.
    /// <c>-fps_mode passthrough</c> stops the raw muxer from duplicating or dropping frames to make a constant rate.
    /// The first chunk is cut the same way when the stream has undecodable frames before its first keyframe, so
    /// whatever a decoder makes of them, frame 0 is that keyframe.
    /// After the cut (<c>trim</c> compares the stream's own pts, which a deinterlacer would rescale), the
    /// <see cref="PictureFilters"/> apply.
    /// </summary>
    public static IReadOnlyList<string> Decode(string sourcePath, VideoInfo video, ChunkSpan chunk)
    {
        var arguments = new List<string>(QuietFlags.Split(' ')) { "-nostdin" };
        var filters = new List<string>();
        if (chunk.StartFrame > 0 || video.UndecodableLeadingFrames > 0)
        {
            var keyframe = KeyframeOrdinal(video, chunk);
            if (video.KeyframePts.Count == video.KeyframeIndices.Count)
            {
                var (seek, trim) = SeekTo(video, keyframe);
                arguments.AddRange(seek);
                filters.Add(trim);
            }
            else
            {
                // No timestamps to seek by (a hand-made VideoInfo or a stream without pts): decode from the start
                // and cut by frame number. Slower for late chunks, equally exact.
                filters.Add($"trim=start_frame={chunk.StartFrame.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        arguments.AddRange(DecoderOptions(video));
        arguments.AddRange(["-i", sourcePath, "-map", $"0:{video.VideoStreamIndex.ToString(CultureInfo.InvariantCulture)}", "-an", "-sn", "-dn"]);
        filters.AddRange(PictureFilters(video));
        if (filters.Count > 0)
        {
            arguments.AddRange(["-vf", string.Join(',', filters)]);
        }

        arguments.AddRange(["-frames:v", chunk.FrameCount.ToString(CultureInfo.InvariantCulture), "-fps_mode", "passthrough"]);
        arguments.AddRange(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]);
        return arguments;
    }

    /// <summary>
    /// The input options (before <c>-i</c>) that go with <see cref="PictureFilters"/> wherever the source's frames are
    /// decoded: <c>-noautorotate</c> where those filters turn the picture upright themselves.
    /// </summary>
    internal static IEnumerable<string> DecoderOptions(VideoInfo video) =>
        TurnsAfterDeinterlacing(video) ? [.. SourceInput.LocalFile, "-noautorotate"] : SourceInput.LocalFile;

    /// <summary>
    /// What turns a decoded source frame into the progressive BT.709 SDR picture the model and encoder expect.
    /// Interlaced video is deinterlaced with <c>bwdif=mode=send_frame</c>, one frame out per frame in (the field
    /// order from each frame's flags), so the frame count and timing stay the source's; upscaled without it, the
    /// combing between fields would be baked into the output at 2–4× size. Only frames flagged interlaced are touched
    /// (<c>deint=interlaced</c>), so the progressive parts of a mixed broadcast stream keep their full sharpness.
    /// ffmpeg turns a picture by its display matrix before any filter, which would lay the fields of a turned
    /// interlaced source in columns; such a source is decoded unturned (<see cref="DecoderOptions"/>) and turned the
    /// same way right after the deinterlacer. Any other source is left to ffmpeg's own turning.
    /// HDR and wide-gamut colours are converted after that (see <see cref="ColorConversion"/>).
    /// </summary>
    internal static IEnumerable<string> PictureFilters(VideoInfo video)
    {
        if (video.IsInterlaced)
        {
            yield return "bwdif=mode=send_frame:deint=interlaced";
        }

        if (TurnsAfterDeinterlacing(video))
        {
            foreach (var turn in DisplayRotation.Filters(video.Rotation))
            {
                yield return turn;
            }
        }

        if (ColorConversion.ToBt709(video.Color) is { } toBt709)
        {
            yield return toBt709;
        }

        yield return ToProbedSize(video);
    }

    /// <summary>
    /// Every frame leaves at the probed size, so a stream whose picture size changes part way (a broadcast recording
    /// between programme and advert, a WebRTC recording) gives frames of one size to the model and the raw pipe; ffmpeg
    /// would otherwise keep the first size it decodes, which differs from chunk to chunk. A no-op where the size is
    /// already right. Untagged video is converted to RGB with the matrix players assume for it (<see cref="ColorConversion.UntaggedMatrix"/>).
    /// </summary>
    private static string ToProbedSize(VideoInfo video)
    {
        var size = string.Create(CultureInfo.InvariantCulture, $"scale=w={video.Width}:h={video.Height}");
        return ColorConversion.UntaggedMatrix(video) is { } matrix ? $"{size}:in_color_matrix={matrix},format=rgb24" : size;
    }

    /// <summary>
    /// Encodes the timed raw RGB24 frames that <see cref="RawVideoMatroskaWriter"/> streams to stdin with the encoder of
    /// <see cref="EncodeOptions.Codec"/>.
    /// <c>-fps_mode passthrough</c> keeps each frame's own timestamp, so irregular timing survives.
    /// RGB→YUV uses the BT.709 matrix and the stream is tagged so, which keeps colours right in players whatever the
    /// source's size. The source's pixel aspect ratio is set on the stream (the raw pipe carries none), so
    /// non-square pixels (DV, HDV) are not shown stretched. The stream is tagged progressive: interlaced sources
    /// were deinterlaced on decoding. Sharpening (<c>cas</c>, contrast-adaptive: it sharpens soft detail more than
    /// edges that are already crisp, so it rings less than an unsharp mask) runs on the enhanced RGB frames, before
    /// the conversion to YUV.
    /// </summary>
    public static IReadOnlyList<string> Encode(EncodeOptions encode, VideoInfo video, string outputPath)
    {
        var arguments = new List<string>(QuietFlags.Split(' '));
        var pixelAspect = string.Create(CultureInfo.InvariantCulture, $"{video.PixelAspectNumerator}/{video.PixelAspectDenominator}");
        // The encoder's time base is set to microseconds, as the pipe's timestamps are, rather than left to ffmpeg, which
        // derives it from the rate it guesses for the pipe (a review found timestamps rounded onto that rate's grid for a
        // 60 fps chunk with microsecond jitter; the tests here, at millisecond offsets, pass either way).
        arguments.AddRange(["-f", "matroska", "-i", "-", "-fps_mode", "passthrough", "-enc_time_base", "1/1000000", "-video_track_timescale", "1000000"]);
        var sharpen = encode.Sharpen > 0 ? string.Create(CultureInfo.InvariantCulture, $"cas=strength={encode.Sharpen:0.###},") : "";
        arguments.AddRange(["-map", "0:v", "-vf", $"{sharpen}scale=out_color_matrix=bt709:out_range=tv,format={encode.PixelFormat},setsar={pixelAspect}"]);
        arguments.AddRange(encode.Codec.EncoderArguments(encode.Crf, encode.Preset, encode.Av1Preset, (video.FrameRateNumerator, video.FrameRateDenominator)));
        if (encode.Codec.Mp4Tag() is { } tag)
        {
            arguments.AddRange(["-tag:v", tag]);
        }

        arguments.AddRange(["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv", "-field_order", "progressive"]);
        arguments.AddRange(["-y", outputPath]);
        return arguments;
    }

    private static bool TurnsAfterDeinterlacing(VideoInfo video) => video.IsInterlaced && DisplayRotation.Filters(video.Rotation).Any();

    private static int KeyframeOrdinal(VideoInfo video, ChunkSpan chunk)
    {
        for (var i = 0; i < video.KeyframeIndices.Count; i++)
        {
            if (video.KeyframeIndices[i] == chunk.StartFrame)
            {
                return i;
            }
        }

        throw new ArgumentException($"Chunk {chunk.Index} starts at frame {chunk.StartFrame}, which is not a keyframe.", nameof(chunk));
    }

    /// <summary>
    /// The input options and the first filter that start a decode exactly at keyframe <paramref name="keyframe"/> (an
    /// ordinal into <see cref="VideoInfo.KeyframePts"/>): a fast seek to the keyframe before it, then a cut at the
    /// keyframe's own pts, with <c>-copyts</c> so that the cut compares the stream's own pts. Not a seek to the keyframe
    /// itself: a container without an index (MPEG-TS, MPEG-PS) is sought by decode time, and ffmpeg can land just after
    /// the keyframe asked for, whose GOP then does not decode (open-GOP HEVC in a transport stream lost its keyframe and
    /// shifted its chunks by frames). Landing anywhere in the GOP before costs the decode of that GOP, never
    /// exactness. The first keyframe is reached from the start of the file.
    /// </summary>
    internal static (string[] InputOptions, string Trim) SeekTo(VideoInfo video, int keyframe)
    {
        string[] seek = keyframe > 0
            ? ["-ss", SeekSeconds(video, video.KeyframePts[keyframe - 1]), "-noaccurate_seek", "-copyts"]
            : ["-copyts"];
        return (seek, $"trim=start_pts={video.KeyframePts[keyframe].ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// <c>-ss</c> counts from the container start; the value is truncated to the microsecond so ffmpeg's seek target
    /// never passes the keyframe.
    /// </summary>
    internal static string SeekSeconds(VideoInfo video, long pts)
    {
        var micros = (long)((Int128)pts * video.TimeBaseNumerator * 1_000_000 / video.TimeBaseDenominator);
        micros -= video.StartTime.Ticks / (TimeSpan.TicksPerSecond / 1_000_000);
        micros = Math.Max(0, micros);
        return string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");
    }
}
