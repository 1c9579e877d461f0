using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>Interlaced video is deinterlaced before it is enhanced, keeping every frame and its time.</summary>
[Collection(MediaClipsCollection.Name)]
public sealed class InterlacedSourceTests
{
    private const int Width = 64;
    private const int Height = 48;

    [Fact]
    public async Task An_interlaced_source_comes_out_progressive_without_combing_with_the_same_frames_and_times()
    {
        using var scratch = new ScratchDirectory();
        var source = await MovingBarAsync(scratch);

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal("tt", video.FieldOrder);
        Assert.True(video.IsInterlaced);
        Assert.Equal("progressive", await MediaInspector.VideoStreamFieldAsync(output, "stream=field_order"));
        var enhanced = await VideoProbe.ProbeAsync(output, CancellationToken.None);
        Assert.Equal(25, enhanced.FrameCount);
        Assert.Equal(Milliseconds(video), Milliseconds(enhanced));
        var frames = await MediaInspector.GreyFramesAsync(output, Width * 2, Height * 2);
        Assert.Equal(25, frames.Count);
        foreach (var frame in frames)
        {
            // Upscaled with its combing, a frame differs by about 35 grey levels on average from one line to the next.
            Assert.InRange(MeanLineToLineDifference(frame, Width * 2), 0, 3);
        }
    }

    [Fact]
    public async Task An_interlaced_source_turned_by_its_display_matrix_is_deinterlaced_along_its_fields_and_then_turned_upright()
    {
        using var scratch = new ScratchDirectory();
        var stored = await MovingBarAsync(scratch);
        var source = await TurnedAQuarterAsync(stored, scratch);

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.True(video.IsInterlaced);
        Assert.Equal((Height, Width), (video.Width, video.Height));
        var outputVideo = Assert.Single(await MediaInspector.StreamsAsync(output), s => s.Type == "video");
        Assert.Equal((Height * 2, Width * 2), (outputVideo.Width, outputVideo.Height));
        Assert.Equal("", await MediaInspector.VideoStreamFieldAsync(output, "stream_side_data=rotation"));
        var frames = await MediaInspector.GreyFramesAsync(output, Height * 2, Width * 2);
        // By hand: the stored frames deinterlaced, then turned a quarter anticlockwise as the matrix asks, then 2×.
        var expected = await MediaInspector.GreyFramesAsync(stored, Height * 2, Width * 2,
            "bwdif=mode=send_frame:deint=interlaced,transpose=cclock,scale=iw*2:ih*2:flags=neighbor");
        Assert.Equal(25, frames.Count);
        Assert.Equal(25, expected.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            // The fields lie in columns now. Turned first, then deinterlaced, the frames keep their combing (about 30
            // grey levels from column to column) and differ from the reference by about 20 levels on average.
            Assert.InRange(MeanLineToLineDifference(frames[i], Height * 2, columns: true), 0, 3);
            Assert.InRange(frames[i].Zip(expected[i], (a, b) => Math.Abs(a - b)).Average(), 0, 3);
        }
    }

    [Fact]
    public async Task Frames_sampled_for_analysis_from_a_turned_interlaced_source_are_deinterlaced_like_the_chunks()
    {
        using var scratch = new ScratchDirectory();
        var source = await TurnedAQuarterAsync(await MovingBarAsync(scratch), scratch);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        Assert.True(video.IsInterlaced);

        var frames = await FrameSampler.SampleAsync(source, video, 5, CancellationToken.None);

        Assert.Equal(5, frames.Count);
        foreach (var frame in frames)
        {
            // Black and white: the red channel is the grey level.
            var grey = Enumerable.Range(0, Height * Width).Select(p => frame[3 * p]).ToArray();
            Assert.InRange(MeanLineToLineDifference(grey, Height, columns: true, scale: 1), 0, 3);
        }
    }

    /// <summary>A white bar moving 4 px per field: woven into frames (top field first), its edges comb.</summary>
    private static async Task<string> MovingBarAsync(ScratchDirectory scratch)
    {
        var source = scratch.File("interlaced.mp4");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", $"color=black:size={Width}x{Height}:rate=50:duration=1",
            "-f", "lavfi", "-i", $"color=white:size=8x{Height}:rate=50",
            "-filter_complex", $"[0][1]overlay=x='mod(n*4,{Width - 8})':shortest=1,tinterlace=mode=interleave_top,setfield=tff",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p",
            "-flags", "+ilme+ildct", "-x264opts", "tff=1", "-field_order", "tt", source,
        ]);
        return source;
    }

    /// <summary>
    /// <paramref name="stored"/> with a display matrix that turns it a quarter anticlockwise (a stream copy writes the
    /// legacy tag as one): its fields, rows as stored, lie in columns as shown.
    /// </summary>
    private static async Task<string> TurnedAQuarterAsync(string stored, ScratchDirectory scratch)
    {
        var source = scratch.File("interlaced-rotated.mp4");
        await TestClips.RunFfmpegAsync(["-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=90", source]);
        Assert.Equal("90", await MediaInspector.VideoStreamFieldAsync(source, "stream_side_data=rotation"));
        return source;
    }

    /// <summary>Frame times from the first frame, in milliseconds.</summary>
    private static long[] Milliseconds(VideoInfo video) =>
        [.. video.FramePts.Select(p => (p - video.FramePts[0]) * 1000 * video.TimeBaseNumerator / video.TimeBaseDenominator)];

    /// <summary>
    /// Mean absolute difference between adjacent source lines: rows, or with <paramref name="columns"/> columns, every
    /// <paramref name="scale"/>-th one of a frame upscaled that much.
    /// </summary>
    private static double MeanLineToLineDifference(byte[] frame, int width, bool columns = false, int scale = 2)
    {
        var height = frame.Length / width;
        var (lines, length) = columns ? (width / scale, height) : (height / scale, width);
        Func<int, int, int> pixel = columns
            ? (line, along) => frame[(along * width) + (line * scale)]
            : (line, along) => frame[(line * scale * width) + along];
        double sum = 0;
        for (var line = 0; line + 1 < lines; line++)
        {
            for (var along = 0; along < length; along++)
            {
                sum += Math.Abs(pixel(line, along) - pixel(line + 1, along));
            }
        }

        return sum / ((lines - 1) * length);
    }
}
