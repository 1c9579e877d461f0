using System.Globalization;

namespace Vsr.Engine.Media;

/// <summary>Which source streams each output container can carry as they are, and what the rest become.</summary>
internal static class ContainerRules
{
    /// <summary>
    /// Audio that ffmpeg 5.1's MP4 muxer writes without <c>-strict</c>. FLAC is not among them (the muxer calls it
    /// experimental and refuses it), so it is converted like any other audio MP4 cannot hold.
    /// </summary>
    private static readonly HashSet<string> Mp4Audio = ["aac", "mp3", "ac3", "eac3", "opus", "alac"];

    /// <summary>Audio that ffmpeg 5.1's Matroska muxer has no codec tag for.</summary>
    private static readonly HashSet<string> NotInMatroska = ["pcm_dvd", "pcm_bluray"];

    /// <summary>Subtitles stored as pictures: MP4 has no place for them, Matroska does.</summary>
    private static readonly HashSet<string> BitmapSubtitles = ["hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub"];

    /// <summary>Text subtitles ffmpeg 5.1 decodes, so they can be rewritten as MP4 timed text or SRT.</summary>
    private static readonly HashSet<string> TextSubtitles =
    [
        "mov_text", "subrip", "srt", "ass", "ssa", "webvtt", "text", "microdvd", "subviewer", "subviewer1", "sami",
        "realtext", "mpl2", "pjs", "vplayer", "jacosub", "stl",
    ];

    /// <summary>Subtitles ffmpeg 5.1's Matroska muxer stores as they are (XSUB, teletext and closed captions are not).</summary>
    private static readonly HashSet<string> MatroskaSubtitles =
        ["subrip", "srt", "ass", "ssa", "webvtt", "hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle"];

    public static bool IsBitmapSubtitle(string codec) => BitmapSubtitles.Contains(codec);

    public static bool IsMp4(string outputPath) =>
        Path.GetExtension(outputPath).ToLowerInvariant() is ".mp4" or ".m4v" or ".mov";

    public static bool IsMatroska(string outputPath) =>
        Path.GetExtension(outputPath).ToLowerInvariant() is ".mkv";

    /// <summary>
    /// The source's subtitle streams the output container can carry, each by its ordinal among the source's
    /// subtitles, with the codec it is written in (<c>copy</c> or a conversion). The others cannot go in at all
    /// (teletext, closed captions, codecs this ffmpeg does not know) and are left out.
    /// </summary>
    public static IReadOnlyList<(int Ordinal, string Codec)> Subtitles(VideoInfo video, string outputPath)
    {
        CheckContainer(video, outputPath);
        var kept = new List<(int, string)>();
        for (var i = 0; i < video.SubtitleCodecs.Count; i++)
        {
            var codec = video.SubtitleCodecs[i];
            if (IsMatroska(outputPath) && MatroskaSubtitles.Contains(codec))
            {
                kept.Add((i, "copy"));
            }
            else if (TextSubtitles.Contains(codec))
            {
                // MP4 holds text only as timed text; SRT keeps the text of what Matroska cannot store as it is.
                kept.Add((i, IsMatroska(outputPath) ? "srt" : "mov_text"));
            }
        }

        return kept;
    }

    /// <summary>
    /// Maps and per-stream codec options for the source's (input 1) audio, subtitle and, in Matroska, attachment
    /// streams, for the subtitles in <paramref name="subtitles"/> (see <see cref="Subtitles"/>).
    /// </summary>
    public static IReadOnlyList<string> StreamArguments(VideoInfo video, IReadOnlyList<(int Ordinal, string Codec)> subtitles, string outputPath)
    {
        CheckContainer(video, outputPath);
        var arguments = new List<string>();
        if (video.AudioOrdinals is { } ordinals)
        {
            foreach (var ordinal in ordinals)
            {
                arguments.AddRange(["-map", $"1:a:{ordinal.ToString(CultureInfo.InvariantCulture)}"]);
            }
        }
        else
        {
            arguments.AddRange(["-map", "1:a?"]);
        }

        foreach (var (ordinal, _) in subtitles)
        {
            arguments.AddRange(["-map", $"1:s:{ordinal}"]);
        }

        for (var i = 0; i < subtitles.Count; i++)
        {
            arguments.AddRange([$"-c:s:{i}", subtitles[i].Codec]);
        }

        if (IsMatroska(outputPath))
        {
            // Fonts attached for styled (ASS) subtitles: without them players fall back to other fonts.
            arguments.AddRange(["-map", "1:t?", "-c:a", "copy", "-c:t", "copy"]);
            for (var i = 0; i < video.AudioCodecs.Count && video.AudioCodecs.Count == video.AudioStreamCount; i++)
            {
                if (NotInMatroska.Contains(video.AudioCodecs[i]))
                {
                    // The DVD's and Blu-ray's own PCM (the sources that bring bitmap subtitles, and so Matroska):
                    // Matroska has no tag for them; FLAC keeps every sample.
                    arguments.AddRange([$"-c:a:{i}", "flac"]);
                }
            }

            return arguments;
        }

        if (video.AudioCodecs.Count == video.AudioStreamCount)
        {
            for (var i = 0; i < video.AudioCodecs.Count; i++)
            {
                arguments.AddRange([$"-c:a:{i}", Mp4Audio.Contains(video.AudioCodecs[i]) ? "copy" : "aac"]);
            }
        }
        else
        {
            // Codecs unknown (a hand-made VideoInfo): AAC is always accepted by MP4.
            arguments.AddRange(["-c:a", "aac"]);
        }

        arguments.AddRange(["-movflags", "+faststart"]);
        return arguments;
    }

    /// <summary>
    /// What happens to the source's audio and subtitle streams in <paramref name="outputPath"/>'s container besides a
    /// plain copy, in words for the job's user: streams left out, and streams written in another codec.
    /// </summary>
    public static IReadOnlyList<string> StreamChanges(VideoInfo video, string outputPath)
    {
        var changes = new List<string>();
        if (video.AudioStreamsLeftOut > 0)
        {
            changes.Add($"{video.AudioStreamsLeftOut} audio stream(s) carry no sound and are left out");
        }

        var matroska = IsMatroska(outputPath);
        for (var i = 0; i < video.AudioCodecs.Count && video.AudioCodecs.Count == video.AudioStreamCount; i++)
        {
            var codec = video.AudioCodecs[i];
            if (matroska && NotInMatroska.Contains(codec))
            {
                changes.Add($"audio stream {i + 1} ({codec}) is written as FLAC (lossless) for the Matroska output");
            }
            else if (!matroska && !Mp4Audio.Contains(codec))
            {
                changes.Add($"audio stream {i + 1} ({codec}) is re-encoded to AAC for the MP4 output");
            }
        }

        var kept = Subtitles(video, outputPath).ToDictionary(s => s.Ordinal, s => s.Codec);
        var container = matroska ? "Matroska" : "MP4";
        for (var i = 0; i < video.SubtitleCodecs.Count; i++)
        {
            var codec = video.SubtitleCodecs[i];
            if (!kept.TryGetValue(i, out var written))
            {
                changes.Add($"subtitle stream {i + 1} ({codec}) is left out: the {container} output cannot hold it");
            }
            else if (written != "copy" && written != codec)
            {
                var name = written == "srt" ? "SRT" : "MP4 timed text";
                changes.Add($"subtitle stream {i + 1} ({codec}) is written as {name}; its styling, if any, is lost");
            }
        }

        return changes;
    }

    private static void CheckContainer(VideoInfo video, string outputPath)
    {
        if (IsMatroska(outputPath))
        {
            return;
        }

        if (!IsMp4(outputPath))
        {
            throw new ArgumentException($"Output container '{Path.GetExtension(outputPath)}' is not supported; use .mp4 or .mkv.", nameof(outputPath));
        }

        if (video.SubtitleCodecs.FirstOrDefault(IsBitmapSubtitle) is { } bitmap)
        {
            throw new ArgumentException($"MP4 cannot carry {bitmap} subtitles; write .mkv (see VideoAssembler.ChooseExtension).", nameof(outputPath));
        }
    }
}
