using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

[Collection(MediaClipsCollection.Name)]
public sealed class VideoProbeTests(TestClips clips)
{
    private static readonly int[] ExpectedKeyframes = [0, 12, 24, 36, 48, 60, 72];

    [Fact]
    public async Task Probe_counts_every_frame_and_finds_the_keyframes()
    {
        var video = await VideoProbe.ProbeAsync(clips.Plain, CancellationToken.None);

        Assert.Equal(TestClips.FrameCount, video.FrameCount);
        Assert.Equal(ExpectedKeyframes, video.KeyframeIndices);
        Assert.Equal((TestClips.Width, TestClips.Height), (video.Width, video.Height));
        Assert.Equal((25, 1), (video.FrameRateNumerator, video.FrameRateDenominator));
        Assert.Equal("h264", video.VideoCodec);
        Assert.Equal(1, video.AudioStreamCount);
        Assert.Equal(["aac"], video.AudioCodecs);
        Assert.Empty(video.SubtitleCodecs);
        Assert.InRange(video.Duration.TotalSeconds, 2.95, 3.1);
    }

    [Fact]
    public async Task Probe_puts_B_frame_packets_in_display_order()
    {
        var video = await VideoProbe.ProbeAsync(clips.BFrames, CancellationToken.None);

        Assert.Equal(TestClips.FrameCount, video.FrameCount);
        Assert.Equal(ExpectedKeyframes, video.KeyframeIndices);
        Assert.Equal(ExpectedKeyframes.Length, video.KeyframePts.Count);
        Assert.True(video.KeyframePts.SequenceEqual(video.KeyframePts.Order()), "keyframe pts ascend with display order");
    }

    [Fact]
    public async Task Probe_lists_subtitle_streams()
    {
        var video = await VideoProbe.ProbeAsync(clips.Subtitled, CancellationToken.None);

        Assert.Equal(["subrip"], video.SubtitleCodecs);
        Assert.Equal(["pcm_s16le"], video.AudioCodecs);
        Assert.Equal(TestClips.FrameCount, video.FrameCount);
    }

    [Fact]
    public async Task A_text_file_is_not_a_video()
    {
        using var scratch = new ScratchDirectory();
        var path = scratch.File("notes.mp4");
        await File.WriteAllTextAsync(path, "This is a shopping list, not a film.\nMilk\nEggs\n");

        var error = await Assert.ThrowsAsync<InvalidVideoException>(() => VideoProbe.ProbeAsync(path, CancellationToken.None));

        Assert.StartsWith("ffprobe could not read the file", error.Message);
        Assert.DoesNotContain(scratch.Path, error.Message);
    }

    [Fact]
    public async Task Random_bytes_are_not_a_video()
    {
        using var scratch = new ScratchDirectory();
        var path = scratch.File("noise.bin");
        var bytes = new byte[64 * 1024];
        new Random(42).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);

        await Assert.ThrowsAsync<InvalidVideoException>(() => VideoProbe.ProbeAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task A_start_time_beyond_any_time_span_is_refused_with_the_remux_that_fixes_it()
    {
        using var scratch = new ScratchDirectory();
        var path = scratch.File("far-start.mkv");
        await TestClips.RunFfmpegAsync(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=1", "-c:v", "libx264", "-preset", "veryfast",
            "-output_ts_offset", "1000000000000", path]);

        // ffprobe says 1e12 s; read as ticks, that overflowed into an OverflowException (a 500 at the API).
        var refused = await Assert.ThrowsAsync<InvalidVideoException>(() => VideoProbe.ProbeAsync(path, CancellationToken.None));

        Assert.Contains("avoid_negative_ts make_zero", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_video_is_not_a_video()
    {
        using var scratch = new ScratchDirectory();
        var path = scratch.File("truncated.mp4");
        var bytes = await File.ReadAllBytesAsync(clips.Plain);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 3)]);

        await Assert.ThrowsAsync<InvalidVideoException>(() => VideoProbe.ProbeAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task An_audio_only_file_is_not_a_video()
    {
        var error = await Assert.ThrowsAsync<InvalidVideoException>(() => VideoProbe.ProbeAsync(clips.AudioOnly, CancellationToken.None));

        Assert.Equal("no video stream", error.Message);
    }
}
