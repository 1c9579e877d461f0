using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>How the source's picture is meant to be shown (its display matrix, its pixel shape) survives the job.</summary>
[Collection(MediaClipsCollection.Name)]
public sealed class SourceGeometryTests
{
    private const int Width = 64;
    private const int Height = 48;

    [Fact]
    public async Task A_source_turned_a_quarter_by_its_display_matrix_comes_out_upright_at_its_display_size()
    {
        using var scratch = new ScratchDirectory();
        var stored = scratch.File("stored.mp4");
        var source = scratch.File("rotated.mp4");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", $"color=white:size={Width}x{Height}:rate=25:duration=1",
            "-vf", $"drawbox=x={Width / 2}:y=0:w={Width / 2}:h={Height}:color=black:t=fill",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p", stored,
        ]);
        // A stream copy writes the legacy tag as a display matrix (a quarter turn anticlockwise): the white left
        // half is shown at the bottom.
        await TestClips.RunFfmpegAsync(["-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=90", source]);
        Assert.Equal("90", await MediaInspector.VideoStreamFieldAsync(source, "stream_side_data=rotation"));

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal((Height, Width), (video.Width, video.Height));
        var outputVideo = Assert.Single(await MediaInspector.StreamsAsync(output), s => s.Type == "video");
        Assert.Equal((Height * 2, Width * 2), (outputVideo.Width, outputVideo.Height));
        Assert.Equal("", await MediaInspector.VideoStreamFieldAsync(output, "stream_side_data=rotation"));
        var frames = await MediaInspector.GreyFramesAsync(output, Height * 2, Width * 2);
        Assert.Equal(25, frames.Count);
        foreach (var frame in frames)
        {
            var half = frame.Length / 2;
            Assert.InRange(frame.Take(half - (Height * 4)).Average(p => p), 0, 20);
            Assert.InRange(frame.Skip(half + (Height * 4)).Average(p => p), 235, 255);
        }
    }

    [Fact]
    public async Task Non_square_pixels_keep_their_aspect_ratio()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("pal-dv-shape.mp4");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=25:duration=1", "-vf", "setsar=16/15",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p", source,
        ]);
        Assert.Equal("16:15", await MediaInspector.VideoStreamFieldAsync(source, "stream=sample_aspect_ratio"));

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal((16, 15), (video.PixelAspectNumerator, video.PixelAspectDenominator));
        Assert.Equal("16:15", await MediaInspector.VideoStreamFieldAsync(output, "stream=sample_aspect_ratio"));
        Assert.Equal($"{Width * 2},{Height * 2}", await MediaInspector.VideoStreamFieldAsync(output, "stream=width,height"));
    }
}
