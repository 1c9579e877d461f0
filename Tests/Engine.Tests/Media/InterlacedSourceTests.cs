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
        var source = scratch.File("interlaced.mp4");
        // A white bar moving 4 px per field: woven into frames (top field first), its edges comb.
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", $"color=black:size={Width}x{Height}:rate=50:duration=1",
            "-f", "lavfi", "-i", $"color=white:size=8x{Height}:rate=50",
            "-filter_complex", $"[0][1]overlay=x='mod(n*4,{Width - 8})':shortest=1,tinterlace=mode=interleave_top,setfield=tff",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p",
            "-flags", "+ilme+ildct", "-x264opts", "tff=1", "-field_order", "tt", source,
        ]);

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

    /// <summary>Frame times from the first frame, in milliseconds.</summary>
    private static long[] Milliseconds(VideoInfo video) =>
        [.. video.FramePts.Select(p => (p - video.FramePts[0]) * 1000 * video.TimeBaseNumerator / video.TimeBaseDenominator)];

    /// <summary>Mean absolute difference between vertically adjacent source lines (every second line of the 2× output).</summary>
    private static double MeanLineToLineDifference(byte[] frame, int width)
    {
        var lines = frame.Length / width / 2;
        double sum = 0;
        for (var line = 0; line + 1 < lines; line++)
        {
            for (var x = 0; x < width; x++)
            {
                sum += Math.Abs(frame[(2 * line * width) + x] - frame[(2 * (line + 1) * width) + x]);
            }
        }

        return sum / ((lines - 1) * width);
    }
}
