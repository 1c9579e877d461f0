using Vsr.Engine.Media;
using Xunit.Abstractions;

namespace Vsr.Engine.Tests.Media;

[Collection(MediaClipsCollection.Name)]
public sealed class VideoAssemblerTests(TestClips clips, ITestOutputHelper log)
{
    [Fact]
    public async Task Output_keeps_every_frame_and_the_audio()
    {
        using var scratch = new ScratchDirectory();
        var video = await VideoProbe.ProbeAsync(clips.BFrames, CancellationToken.None);
        var chunkPaths = await EnhancedJob.TranscodeChunksAsync(clips.BFrames, video, scratch);
        var output = scratch.File("enhanced" + VideoAssembler.ChooseExtension(video));

        await VideoAssembler.AssembleAsync(clips.BFrames, video, chunkPaths, output, CancellationToken.None);

        Assert.EndsWith(".mp4", output);
        var frameCount = await MediaInspector.CountDecodedFramesAsync(output);
        var streams = await MediaInspector.StreamsAsync(output);
        var outputVideo = Assert.Single(streams, s => s.Type == "video");
        var sourceVideo = Assert.Single(await MediaInspector.StreamsAsync(clips.BFrames), s => s.Type == "video");
        log.WriteLine($"{chunkPaths.Count} chunks → {frameCount} frames, {outputVideo.Width}x{outputVideo.Height}, video {outputVideo.DurationSeconds} s (source {sourceVideo.DurationSeconds} s)");
        Assert.Equal(TestClips.FrameCount, frameCount);
        Assert.Equal(Enumerable.Range(0, TestClips.FrameCount), await MediaInspector.FrameNumbersAsync(output, TestClips.Width * 2, TestClips.Height * 2));
        Assert.Equal((TestClips.Width * 2, TestClips.Height * 2), (outputVideo.Width, outputVideo.Height));
        Assert.InRange(outputVideo.DurationSeconds!.Value, sourceVideo.DurationSeconds!.Value - (1 / video.FrameRate), sourceVideo.DurationSeconds.Value + (1 / video.FrameRate));
        Assert.Equal("aac", Assert.Single(streams, s => s.Type == "audio").Codec);
        Assert.Equal(
            chunkPaths.Select(c => Path.GetFileName(c.Path)).Append(Path.GetFileName(output)).Order(),
            Directory.EnumerateFiles(scratch.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Subtitles_and_audio_are_kept_in_both_containers_converted_where_MP4_needs_it()
    {
        using var scratch = new ScratchDirectory();
        var video = await VideoProbe.ProbeAsync(clips.Subtitled, CancellationToken.None);
        var chunkPaths = await EnhancedJob.TranscodeChunksAsync(clips.Subtitled, video, scratch);
        var mp4 = scratch.File("enhanced" + VideoAssembler.ChooseExtension(video));
        var mkv = scratch.File("enhanced.mkv");

        await VideoAssembler.AssembleAsync(clips.Subtitled, video, chunkPaths, mp4, CancellationToken.None);
        await VideoAssembler.AssembleAsync(clips.Subtitled, video, chunkPaths, mkv, CancellationToken.None);

        Assert.EndsWith(".mp4", mp4);
        Assert.Equal(
        [
            "audio stream 1 (pcm_s16le) is re-encoded to AAC for the MP4 output",
            "subtitle stream 1 (subrip) is written as MP4 timed text; its styling, if any, is lost",
        ], VideoAssembler.StreamChanges(video));
        foreach (var (output, subtitleCodec, audioCodec) in new[] { (mp4, "mov_text", "aac"), (mkv, "subrip", "pcm_s16le") })
        {
            var streams = await MediaInspector.StreamsAsync(output);
            Assert.Equal(subtitleCodec, Assert.Single(streams, s => s.Type == "subtitle").Codec);
            Assert.Equal(audioCodec, Assert.Single(streams, s => s.Type == "audio").Codec);
            Assert.Equal(TestClips.FrameCount, await MediaInspector.CountDecodedFramesAsync(output));
        }
    }

    [Fact]
    public async Task FLAC_audio_from_Matroska_becomes_AAC_in_MP4()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("flac.mkv");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=1", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p", "-c:a", "flac", source,
        ]);

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal(["flac"], video.AudioCodecs);
        Assert.EndsWith(".mp4", output);
        var streams = await MediaInspector.StreamsAsync(output);
        var audio = Assert.Single(streams, s => s.Type == "audio");
        Assert.Equal("aac", audio.Codec);
        Assert.InRange(audio.DurationSeconds!.Value, 0.9, 1.1);
        Assert.Equal(25, await MediaInspector.CountDecodedFramesAsync(output));
    }

    [Fact]
    public async Task Subtitles_a_container_cannot_hold_are_left_out_and_Matroska_keeps_the_attached_fonts()
    {
        using var scratch = new ScratchDirectory();
        var styled = scratch.File("styled.ass");
        var plain = scratch.File("plain.srt");
        var font = scratch.File("subtitle-font.ttf");
        await File.WriteAllTextAsync(styled, "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:00.10,0:00:00.80,Default,,0,0,0,,Styled line\n");
        await File.WriteAllTextAsync(plain, "1\n00:00:00,100 --> 00:00:00,800\nPlain line\n");
        var fontBytes = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
        await File.WriteAllBytesAsync(font, fontBytes);
        var written = scratch.File("written.mkv");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=1", "-i", styled, "-i", plain,
            "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p",
            "-c:s", "copy", "-attach", font, "-metadata:s:t", "mimetype=application/x-truetype-font", written,
        ]);
        // The SRT track becomes S_TEXT/USF, a real Matroska subtitle codec that ffmpeg 5.1 does not know, so neither
        // container can take it in any form. (A string element may end in zero bytes, so the length stays the same.)
        var bytes = await File.ReadAllBytesAsync(written);
        var at = bytes.AsSpan().IndexOf("S_TEXT/UTF8"u8);
        Assert.True(at >= 0);
        "S_TEXT/USF\0"u8.CopyTo(bytes.AsSpan(at));
        var source = scratch.File("source.mkv");
        await File.WriteAllBytesAsync(source, bytes);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        Assert.Equal(["ass", "unknown"], video.SubtitleCodecs);
        var chunks = await EnhancedJob.TranscodeChunksAsync(source, video, scratch);
        var mp4 = scratch.File("enhanced" + VideoAssembler.ChooseExtension(video));
        var mkv = scratch.File("enhanced.mkv");

        await VideoAssembler.AssembleAsync(source, video, chunks, mp4, CancellationToken.None);
        await VideoAssembler.AssembleAsync(source, video, chunks, mkv, CancellationToken.None);

        Assert.EndsWith(".mp4", mp4);
        Assert.Equal(["video", "subtitle:mov_text"], (await MediaInspector.StreamsAsync(mp4)).Select(Describe));
        Assert.Equal(["video", "subtitle:ass", "attachment:ttf"], (await MediaInspector.StreamsAsync(mkv)).Select(Describe));
        var extracted = scratch.File("extracted.ttf");
        await TestClips.RunFfmpegAsync(["-dump_attachment:t:0", extracted, "-i", mkv, "-f", "null", "-"]);
        Assert.Equal(fontBytes, await File.ReadAllBytesAsync(extracted));
    }

    [Fact]
    public async Task An_output_missing_frames_is_rejected_and_deleted()
    {
        using var scratch = new ScratchDirectory();
        var video = await VideoProbe.ProbeAsync(clips.Plain, CancellationToken.None);
        var chunkPaths = await EnhancedJob.TranscodeChunksAsync(clips.Plain, video, scratch);
        var output = scratch.File("enhanced.mp4");

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => VideoAssembler.AssembleAsync(clips.Plain, video, chunkPaths.SkipLast(1).ToList(), output, CancellationToken.None));

        Assert.Contains($"the source has {TestClips.FrameCount}", error.Message);
        Assert.Equal(chunkPaths.Select(c => Path.GetFileName(c.Path)).Order(), Directory.EnumerateFiles(scratch.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData(new string[0], ".mp4")]
    [InlineData(new[] { "subrip", "mov_text" }, ".mp4")]
    [InlineData(new[] { "subrip", "hdmv_pgs_subtitle" }, ".mkv")]
    [InlineData(new[] { "dvd_subtitle" }, ".mkv")]
    [InlineData(new[] { "dvb_subtitle" }, ".mkv")]
    [InlineData(new[] { "xsub" }, ".mkv")]
    public void Bitmap_subtitles_choose_Matroska_and_everything_else_MP4(string[] subtitleCodecs, string expected)
    {
        var video = new VideoInfo(64, 48, 25, 1, 75, TimeSpan.FromSeconds(3), "h264", 1, subtitleCodecs, [0]);

        Assert.Equal(expected, VideoAssembler.ChooseExtension(video));
    }

    private static string Describe(StreamSummary stream) => stream.Type == "video" ? "video" : $"{stream.Type}:{stream.Codec}";
}
