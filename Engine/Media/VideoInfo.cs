namespace Vsr.Engine.Media;

/// <summary>What the probe learned about a source video.</summary>
/// <param name="Width">
/// Width in pixels of the frames ffmpeg decodes from the first video stream: upright, so a stream whose display
/// matrix turns it by 90° or 270° has its stored height here.
/// </param>
/// <param name="Height">Height in pixels of the decoded, upright frames.</param>
/// <param name="FrameRateNumerator">Frame rate as a rational (e.g. 30000/1001).</param>
/// <param name="FrameRateDenominator">Denominator of the frame rate.</param>
/// <param name="FrameCount">Exact number of video frames (counted from packets, not estimated).</param>
/// <param name="Duration">Container duration.</param>
/// <param name="VideoCodec">Codec name of the video stream.</param>
/// <param name="AudioStreamCount">Number of audio streams.</param>
/// <param name="SubtitleCodecs">Codec name of each subtitle stream, in order.</param>
/// <param name="KeyframeIndices">Display-order indices of keyframes, ascending, always starting at 0.</param>
public sealed record VideoInfo(
    int Width,
    int Height,
    int FrameRateNumerator,
    int FrameRateDenominator,
    int FrameCount,
    TimeSpan Duration,
    string VideoCodec,
    int AudioStreamCount,
    IReadOnlyList<string> SubtitleCodecs,
    IReadOnlyList<int> KeyframeIndices)
{
    public double FrameRate => (double)FrameRateNumerator / FrameRateDenominator;

    /// <summary>Absolute index of the video stream the frames come from (attached cover pictures are skipped).</summary>
    public int VideoStreamIndex { get; init; }

    /// <summary>Numerator of the video stream's time base, the unit of <see cref="KeyframePts"/>.</summary>
    public int TimeBaseNumerator { get; init; } = 1;

    /// <summary>Denominator of the video stream's time base.</summary>
    public int TimeBaseDenominator { get; init; } = 1;

    /// <summary>
    /// Presentation timestamp of each keyframe, parallel to <see cref="KeyframeIndices"/>, in time-base units.
    /// Lets a chunk be decoded from its own keyframe; empty when unknown (chunks then decode from the start).
    /// </summary>
    public IReadOnlyList<long> KeyframePts { get; init; } = [];

    /// <summary>
    /// Presentation timestamp of every frame in display order, in time-base units. Carried onto the enhanced frames so
    /// variable frame rate sources (and AVI files with dropped frames) keep their timing; empty when unknown, in
    /// which case frames are timed at <see cref="FrameRate"/>.
    /// </summary>
    public IReadOnlyList<long> FramePts { get; init; } = [];

    /// <summary>How long the last frame is shown, in time-base units; 0 when unknown (one frame period is assumed).</summary>
    public long LastFrameDuration { get; init; }

    /// <summary>
    /// Packets before the stream's first keyframe (a capture cut mid-GOP) that the decoder cannot show; they are not
    /// counted in <see cref="FrameCount"/>, and frame 0 is that keyframe.
    /// </summary>
    public int UndecodableLeadingFrames { get; init; }

    /// <summary>Container start time; ffmpeg's <c>-ss</c> counts from here.</summary>
    public TimeSpan StartTime { get; init; }

    /// <summary>
    /// Width of one pixel against its height as the source asks players to show it (e.g. 16:15 for PAL DV 4:3), for
    /// the upright frames; 1:1 when square or unknown. The enhanced video is tagged with it, since both axes scale alike.
    /// </summary>
    public int PixelAspectNumerator { get; init; } = 1;

    /// <summary>Denominator of the pixel aspect ratio.</summary>
    public int PixelAspectDenominator { get; init; } = 1;

    /// <summary>Codec name of each audio stream, in order; empty when unknown (audio is then re-encoded where needed).</summary>
    public IReadOnlyList<string> AudioCodecs { get; init; } = [];

    /// <summary>
    /// The source's audio streams that are kept, by ordinal among its audio streams (<c>a:N</c>), in order: those
    /// that carry sound. A stream listed with no samples (an idle programme PID in a broadcast recording) is left out,
    /// as no muxer takes it. Null when unknown: every audio stream is kept.
    /// </summary>
    public IReadOnlyList<int>? AudioOrdinals { get; init; }

    /// <summary>How many of the source's audio streams carry no sound and are left out (see <see cref="AudioOrdinals"/>).</summary>
    public int AudioStreamsLeftOut { get; init; }

    /// <summary>
    /// The video stream's colour tags as ffprobe names them (<c>color_transfer</c>, e.g. <c>bt709</c>,
    /// <c>smpte2084</c>; <c>color_primaries</c>; <c>color_space</c>; <c>color_range</c>); empty when untagged.
    /// </summary>
    public VideoColor Color { get; init; } = VideoColor.Untagged;

    /// <summary>
    /// The video stream's <c>field_order</c> as ffprobe names it: <c>progressive</c>, or <c>tt</c>, <c>bb</c>, <c>tb</c>,
    /// <c>bt</c> for interlaced video; empty when unknown.
    /// </summary>
    public string FieldOrder { get; init; } = "";

    /// <summary>Whether each frame holds two fields taken at different times; an unknown field order counts as progressive.</summary>
    public bool IsInterlaced => FieldOrder is "tt" or "bb" or "tb" or "bt";

    /// <summary>
    /// Degrees the stream's display matrix turns the stored picture anticlockwise, as ffprobe reports it; 0 when it has
    /// none. <see cref="Width"/> and <see cref="Height"/> are already those of the picture turned upright.
    /// </summary>
    public double Rotation { get; init; }

    /// <summary>
    /// What the pipeline does to this source's pictures besides enhancing them, in words for the job's user: empty for
    /// progressive BT.709 SDR video with square pixels shown as stored.
    /// </summary>
    public IReadOnlyList<string> PictureConversions()
    {
        var conversions = new List<string>();
        if (UndecodableLeadingFrames > 0)
        {
            conversions.Add($"{UndecodableLeadingFrames} frame(s) before the first keyframe cannot be decoded and are left out");
        }

        if (IsInterlaced)
        {
            conversions.Add($"deinterlaced (field order {FieldOrder})");
        }

        if (Color.IsHdr)
        {
            conversions.Add($"tone-mapped from HDR ({Color.Transfer}) to BT.709 SDR");
        }
        else if (Color.IsWideGamut)
        {
            conversions.Add("converted from BT.2020 primaries to BT.709; colours outside BT.709 are clipped");
        }

        return conversions;
    }
}
