using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>How the source's picture is meant to be shown (its display matrix, its pixel shape) survives the job.</summary>
[Collection(MediaClipsCollection.Name)]
public sealed class SourceGeometryTests
{
    private const int Width = 64;
    private const int Height = 48;

    [Fact]
    public async Task A_stream_whose_picture_size_changes_part_way_comes_out_whole_at_its_first_size()
    {
        // A transport stream that is wider from its second second on, as a broadcast recording changes between
        // programmes; a chunk that starts at its third keyframe is decoded from the second, after the change.
        using var scratch = new ScratchDirectory();
        var (first, second, source) = (scratch.File("a.ts"), scratch.File("b.ts"), scratch.File("changing.ts"));
        await TestClips.RunFfmpegAsync(["-f", "lavfi", "-i", $"color=white:size={Width}x{Height}:rate=25:duration=1",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "mpegts", first]);
        await TestClips.RunFfmpegAsync(["-f", "lavfi", "-i", $"color=black:size={Width * 3 / 2}x{Height}:rate=25:duration=2",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p", "-output_ts_offset", "1", "-f", "mpegts", second]);
        await File.WriteAllBytesAsync(source, [.. await File.ReadAllBytesAsync(first), .. await File.ReadAllBytesAsync(second)]);

        // Before, the chunk after the change read frames of the wrong size and then waited on a decoder that could not exit.
        var (video, output) = await EnhancedJob.RunAsync(source, scratch).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal((Width, Height, 75), (video.Width, video.Height, video.FrameCount));
        var frames = await MediaInspector.GreyFramesAsync(output, Width * 2, Height * 2);
        Assert.Equal(75, frames.Count);
        Assert.InRange(frames[10].Average(p => p), 230, 255);
        Assert.InRange(frames[40].Average(p => p), 0, 25);
        Assert.InRange(frames[70].Average(p => p), 0, 25);
    }

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

    [Theory]
    [InlineData(90)]
    [InlineData(180)]
    [InlineData(270)]
    [InlineData(45)]
    public async Task A_source_the_decoder_turns_itself_after_deinterlacing_is_turned_exactly_as_ffmpeg_turns_it(int rotate)
    {
        using var scratch = new ScratchDirectory();
        var stored = scratch.File("stored.mp4");
        var source = scratch.File("rotated.mp4");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=25:duration=0.4",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", stored,
        ]);
        await TestClips.RunFfmpegAsync(["-i", stored, "-c", "copy", "-metadata:s:v:0", $"rotate={rotate}", source]);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        var chunk = new ChunkSpan(0, 0, video.FrameCount);
        // Progressive frames taken for interlaced ones: the deinterlacer passes them untouched, so the two decodes
        // differ only in who turns the picture, ffmpeg before the filters or the decoder's own filters after them.
        var ownTurn = ChunkCommandLines.Decode(source, video with { FieldOrder = "tt" }, chunk);
        Assert.Contains("-noautorotate", ownTurn);

        var expected = await DecodeAsync(ChunkCommandLines.Decode(source, video, chunk));
        var actual = await DecodeAsync(ownTurn);

        Assert.Equal(video.FrameCount * video.Width * video.Height * 3, expected.Length);
        Assert.Equal(expected, actual);
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

    private static async Task<byte[]> DecodeAsync(IReadOnlyList<string> arguments)
    {
        await using var ffmpeg = FfmpegProcess.Start(FfmpegProcess.Ffmpeg, arguments, readsOutput: true, CancellationToken.None);
        ffmpeg.Input.Close();
        using var frames = new MemoryStream();
        await ffmpeg.Output.CopyToAsync(frames);
        await ffmpeg.WaitForSuccessAsync(CancellationToken.None);
        return frames.ToArray();
    }
}
