namespace Vsr.Engine.Media;

/// <summary>Which source streams each output container can carry as they are, and what the rest become.</summary>
internal static class ContainerRules
{
    /// <summary>
    /// Audio that ffmpeg 5.1's MP4 muxer writes without <c>-strict</c>. FLAC is not among them (the muxer calls it
    /// experimental and refuses it), so it is converted like any other audio MP4 cannot hold.
    /// </summary>
    private static readonly HashSet<string> Mp4Audio = ["aac", "mp3", "ac3", "eac3", "opus", "alac"];

    /// <summary>Subtitles stored as pictures: MP4 has no place for them, Matroska does.</summary>
    private static readonly HashSet<string> BitmapSubtitles = ["hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub"];

    public static bool IsBitmapSubtitle(string codec) => BitmapSubtitles.Contains(codec);

    public static bool IsMp4(string outputPath) =>
        Path.GetExtension(outputPath).ToLowerInvariant() is ".mp4" or ".m4v" or ".mov";

    public static bool IsMatroska(string outputPath) =>
        Path.GetExtension(outputPath).ToLowerInvariant() is ".mkv";

    /// <summary>Per-stream codec options for the source's audio and subtitle streams in the output container.</summary>
    public static IReadOnlyList<string> StreamCodecs(VideoInfo video, string outputPath)
    {
        var arguments = new List<string>();
        if (IsMatroska(outputPath))
        {
            arguments.AddRange(["-c:a", "copy", "-c:s", "copy"]);
            for (var i = 0; i < video.SubtitleCodecs.Count; i++)
            {
                // MP4's timed text is the one common text format Matroska cannot hold; SRT keeps its text.
                if (video.SubtitleCodecs[i] == "mov_text")
                {
                    arguments.AddRange([$"-c:s:{i}", "srt"]);
                }
            }

            return arguments;
        }

        if (!IsMp4(outputPath))
        {
            throw new ArgumentException($"Output container '{Path.GetExtension(outputPath)}' is not supported; use .mp4 or .mkv.", nameof(outputPath));
        }

        if (video.SubtitleCodecs.FirstOrDefault(IsBitmapSubtitle) is { } bitmap)
        {
            throw new ArgumentException($"MP4 cannot carry {bitmap} subtitles; write .mkv (see VideoAssembler.ChooseExtension).", nameof(outputPath));
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

        arguments.AddRange(["-c:s", "mov_text", "-movflags", "+faststart"]);
        return arguments;
    }
}
