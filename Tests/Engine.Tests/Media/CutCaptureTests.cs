using System.Globalization;
using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>A capture cut in the middle of a GOP, as a recorder that joins a broadcast late writes it.</summary>
[Collection(MediaClipsCollection.Name)]
public sealed class CutCaptureTests(TestClips clips)
{
    /// <summary>The source's second keyframe: the cut drops the first one and the frames up to <see cref="DroppedPackets"/>.</summary>
    private const int FirstKeptKeyframe = TestClips.KeyframeInterval;

    private const int DroppedPackets = 5;

    [Fact]
    public async Task A_transport_stream_cut_mid_GOP_starts_at_its_first_keyframe_in_sync_with_its_audio()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("cut.ts");
        await TestClips.RunFfmpegAsync(
        [
            "-i", clips.Plain, "-map", "0", "-c", "copy",
            "-bsf:v", $"noise=drop=lt(n\\,{DroppedPackets})", "-f", "mpegts", source,
        ]);
        var leading = await FirstVideoPacketsAsync(source);
        Assert.False(leading[0].IsKeyframe, "the cut starts between keyframes");
        var keyframeSeconds = leading.First(p => p.IsKeyframe).Seconds;
        var audioSeconds = await StartSecondsAsync(source, "a:0");

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        var kept = TestClips.FrameCount - FirstKeptKeyframe;
        Assert.Equal(kept, video.FrameCount);
        Assert.Equal(FirstKeptKeyframe - DroppedPackets, video.UndecodableLeadingFrames);
        Assert.Equal(Enumerable.Range(FirstKeptKeyframe, kept), await MediaInspector.FrameNumbersAsync(output, TestClips.Width * 2, TestClips.Height * 2));
        var offset = await StartSecondsAsync(output, "v:0") - await StartSecondsAsync(output, "a:0");
        Assert.InRange(offset, keyframeSeconds - audioSeconds - 0.03, keyframeSeconds - audioSeconds + 0.03);
    }

    [Fact]
    public async Task An_mp4_trimmed_by_an_edit_list_between_keyframes_keeps_every_frame_it_shows()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("trimmed.mp4");
        // As `ffmpeg -ss T -c copy` and editors' pass-through trims write it: the GOP the cut falls in stays in the file,
        // its frames before the cut marked to be decoded and not shown.
        await TestClips.RunFfmpegAsync(["-ss", "1.3", "-i", clips.Plain, "-map", "0", "-c", "copy", source]);
        var shown = await MediaInspector.CountDecodedFramesAsync(source);
        Assert.True(shown % TestClips.KeyframeInterval != 0, "the cut falls between keyframes");

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal(shown, video.FrameCount);
        Assert.Equal(0, video.UndecodableLeadingFrames);
        var first = TestClips.FrameCount - shown;
        Assert.Equal(Enumerable.Range(first, shown), await MediaInspector.FrameNumbersAsync(output, TestClips.Width * 2, TestClips.Height * 2));
    }

    [Fact]
    public async Task Open_GOP_HEVC_in_a_transport_stream_is_cut_into_chunks_that_keep_every_frame_once()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("hevc.ts");
        // x265's default open GOPs (CRA keyframes with leading pictures), as broadcasts carry them. A transport stream
        // has no index: ffmpeg seeks it by decode time, which can land just after the keyframe asked for.
        await TestClips.RunFfmpegAsync(
        [
            "-i", clips.Plain, "-map", "0:v", "-c:v", "libx265", "-preset", "ultrafast",
            "-x265-params", $"keyint={TestClips.KeyframeInterval}:log-level=error", "-f", "mpegts", source,
        ]);

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal(TestClips.FrameCount, video.FrameCount);
        Assert.Equal(Enumerable.Range(0, TestClips.FrameCount), await MediaInspector.FrameNumbersAsync(output, TestClips.Width * 2, TestClips.Height * 2));
    }

    [Fact]
    public async Task Blu_ray_PCM_audio_is_kept_in_a_Matroska_output_as_FLAC()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("disc.m2ts");
        // A Blu-ray's own PCM (a disc's bitmap subtitles make the output Matroska, whose muxer has no tag for it).
        await TestClips.RunFfmpegAsync(
        [
            "-i", clips.Plain, "-f", "lavfi", "-i", "sine=frequency=440:duration=3:sample_rate=48000",
            "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "pcm_bluray", "-f", "mpegts", source,
        ]);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        Assert.Equal(["pcm_bluray"], video.AudioCodecs);

        var output = scratch.File("enhanced.mkv");
        await VideoAssembler.AssembleAsync(source, video, await EnhancedJob.TranscodeChunksAsync(source, video, scratch), output, CancellationToken.None);

        var audio = Assert.Single(await MediaInspector.StreamsAsync(output), s => s.Type == "audio");
        Assert.Equal("flac", audio.Codec);
    }

    [Fact]
    public async Task An_audio_stream_that_carries_nothing_is_left_out_and_the_others_are_kept()
    {
        using var scratch = new ScratchDirectory();
        var muxed = scratch.File("two-audio.ts");
        var source = scratch.File("recording.ts");
        // As a DVB recording lists an idle audio PID (a second language off air): in the programme, with no packets.
        await TestClips.RunFfmpegAsync(
        [
            "-i", clips.Plain, "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-f", "lavfi", "-i", "sine=frequency=880:duration=3",
            "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "copy", "-c:a", "mp2", "-f", "mpegts", muxed,
        ]);
        await TestClips.RunFfmpegAsync(["-i", muxed, "-map", "0", "-c", "copy", "-bsf:a:1", "noise=drop=1", "-f", "mpegts", source]);

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal((1, 1), (video.AudioStreamCount, video.AudioStreamsLeftOut));
        var audio = Assert.Single(await MediaInspector.StreamsAsync(output), s => s.Type == "audio");
        // MPEG-1 Layer II is not among what MP4 takes as it is: it becomes AAC.
        Assert.Equal("aac", audio.Codec);
        Assert.Equal(TestClips.FrameCount, await MediaInspector.CountDecodedFramesAsync(output));
    }

    [Fact]
    public async Task An_audio_stream_that_starts_late_is_kept_in_the_output()
    {
        // A second language whose first packets come 8 s in: past ffmpeg's first look, so only a wider look sees it.
        using var scratch = new ScratchDirectory();
        var source = scratch.File("late-language.ts");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", "color=gray:size=64x48:rate=25:duration=10", "-f", "lavfi", "-i", "sine=frequency=440:duration=10",
            "-itsoffset", "8", "-f", "lavfi", "-i", "sine=frequency=880:duration=2",
            "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-f", "mpegts", source,
        ]);

        // Before, the probe kept the late stream but the assembly opened the source with the narrow look, and its muxer
        // stopped at a copied stream without a sample rate: the job failed after every chunk was done.
        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal((2, 0), (video.AudioStreamCount, video.AudioStreamsLeftOut));
        var audio = (await MediaInspector.StreamsAsync(output)).Where(s => s.Type == "audio").ToList();
        Assert.Equal(2, audio.Count);
        Assert.Equal(250, await MediaInspector.CountDecodedFramesAsync(output));
    }

    [Fact]
    public async Task Transport_streams_joined_end_to_end_are_refused_with_the_way_to_remux_them()
    {
        using var scratch = new ScratchDirectory();
        var part = scratch.File("part.ts");
        var joined = scratch.File("joined.ts");
        await TestClips.RunFfmpegAsync(["-i", clips.Plain, "-map", "0:v", "-c", "copy", "-f", "mpegts", part]);
        // As `cat a.ts b.ts` or a recorder across a clock reset writes it: the second run's times start again.
        var bytes = await File.ReadAllBytesAsync(part);
        await File.WriteAllBytesAsync(joined, [.. bytes, .. bytes]);

        var refused = await Assert.ThrowsAsync<InvalidVideoException>(() => VideoProbe.ProbeAsync(joined, CancellationToken.None));

        Assert.Contains("jump back", refused.Message);
        Assert.Contains("-c copy", refused.Message);
        Assert.Equal(TestClips.FrameCount, (await VideoProbe.ProbeAsync(part, CancellationToken.None)).FrameCount);
    }

    private static async Task<List<(double Seconds, bool IsKeyframe)>> FirstVideoPacketsAsync(string path)
    {
        var csv = await FfmpegProcess.CaptureOutputAsync(
            FfmpegProcess.Ffprobe,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", path],
            CancellationToken.None);
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(','))
            .Where(fields => fields.Length >= 2)
            .Select(fields => (double.Parse(fields[0], CultureInfo.InvariantCulture), fields[1].Contains('K')))
            .ToList();
    }

    private static async Task<double> StartSecondsAsync(string path, string stream)
    {
        var text = await FfmpegProcess.CaptureOutputAsync(
            FfmpegProcess.Ffprobe,
            ["-v", "error", "-select_streams", stream, "-show_entries", "stream=start_time", "-of", "csv=p=0", path],
            CancellationToken.None);
        // A transport stream lists its streams twice (once in its program); the first line is enough.
        return double.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim(), CultureInfo.InvariantCulture);
    }
}
