using System.Globalization;
using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>HDR and wide-gamut sources come out as BT.709 SDR that looks like the source, since the output is tagged so.</summary>
[Collection(MediaClipsCollection.Name)]
public sealed class SourceColorTests
{
    private const int Width = 64;
    private const int Height = 48;

    /// <summary>10-bit limited-range luma of a PQ signal (SMPTE ST 2084) at 1000 cd/m², an HDR highlight.</summary>
    private const int Pq1000Nits = 723;

    /// <summary>10-bit limited-range luma of a PQ signal at 1 cd/m², deep shadow.</summary>
    private const int Pq1Nit = 195;

    [Theory]
    [InlineData(1280, 720, "bt709")]
    [InlineData(640, 480, "bt601")]
    public async Task Untagged_video_is_decoded_with_the_matrix_players_assume_for_its_size(int width, int height, string matrix)
    {
        // An sRGB (48, 128, 192) encoded with the matrix players assume for the size, and no colour tags.
        using var scratch = new ScratchDirectory();
        var source = scratch.File("untagged.mp4");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", $"color=c=0x3080C0:size={width}x{height}:rate=25:duration=0.2",
            "-vf", $"scale=out_color_matrix={matrix}:out_range=tv,format=yuv420p", "-c:v", "libx264", "-preset", "veryfast", source,
        ]);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        Assert.Equal("", video.Color.Matrix);

        var frame = Assert.Single(await FrameSampler.SampleAsync(source, video, 1, CancellationToken.None));

        // Decoded with BT.601, the HD frame read (53, 129, 186).
        var centre = ((height / 2 * width) + (width / 2)) * 3;
        Assert.InRange(frame[centre], 45, 51);
        Assert.InRange(frame[centre + 1], 125, 131);
        Assert.InRange(frame[centre + 2], 189, 195);
    }

    [Fact]
    public async Task PQ_HDR_is_tone_mapped_so_highlights_are_white_and_shadows_dark()
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("pq.mp4");
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", $"color=black:size={Width}x{Height}:rate=25:duration=1",
            "-vf", $"format=yuv420p10le,geq=lum='if(lt(X,{Width / 2}),{Pq1000Nits},{Pq1Nit})':cb=512:cr=512",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p10le",
            "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", source,
        ]);

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal(new VideoColor("smpte2084", "bt2020", "bt2020nc", "tv"), video.Color);
        Assert.True(video.Color.IsHdr);
        Assert.Equal("bt709,bt709,bt709", await MediaInspector.VideoStreamFieldAsync(output, "stream=color_space,color_transfer,color_primaries"));
        var frames = await MediaInspector.GreyFramesAsync(output, Width * 2, Height * 2);
        Assert.Equal(25, frames.Count);
        foreach (var frame in frames)
        {
            // Shown as BT.709 untouched, the PQ code values would read as a mid grey (about 190) and a dark grey (about 37).
            Assert.InRange(HalfMean(frame, Width * 2, left: true), 240, 255);
            Assert.InRange(HalfMean(frame, Width * 2, left: false), 0, 30);
        }
    }

    [Fact]
    public async Task An_odd_sized_4_2_0_HDR_source_is_tone_mapped_too()
    {
        // VP9 allows odd sizes in 4:2:0, which zscale refuses unless the chroma is upsampled first.
        using var scratch = new ScratchDirectory();
        var source = scratch.File("odd-pq.webm");
        await TestClips.RunFfmpegAsync(
        [
            // The colour source keeps an odd size only when it starts in 4:4:4; in 4:2:0 it rounds down to even.
            "-f", "lavfi", "-i", "color=black:size=65x49:rate=25:duration=1,format=yuv444p10le",
            "-vf", $"geq=lum={Pq1000Nits}:cb=512:cr=512,format=yuv420p10le",
            "-c:v", "libvpx-vp9", "-deadline", "realtime", "-b:v", "0", "-crf", "30", "-pix_fmt", "yuv420p10le",
            "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", source,
        ]);

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.True(video.Color.IsHdr, $"probed {video.Color}");
        Assert.Equal((65, 49), (video.Width, video.Height));
        var frames = await MediaInspector.GreyFramesAsync(output, 130, 98);
        Assert.Equal(video.FrameCount, frames.Count);
        Assert.All(frames, frame => Assert.InRange(frame.Average(b => (double)b), 240, 255));
    }

    [Theory]
    [InlineData("bt2020-10")]
    [InlineData("arib-std-b67")]
    public async Task BT2020_colours_are_converted_to_BT709_primaries(string transfer)
    {
        using var scratch = new ScratchDirectory();
        var source = scratch.File("bt2020.mp4");
        // A BT.709 red, restated in BT.2020 primaries the way a wide-gamut camera would record it.
        await TestClips.RunFfmpegAsync(
        [
            "-f", "lavfi", "-i", $"color=0xCC2020:size={Width}x{Height}:rate=25:duration=1",
            "-vf", $"format=gbrp,zscale=tin=bt709:pin=bt709:t={transfer}:p=bt2020:m=bt2020nc:r=limited:npl=100,format=yuv420p10le",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-pix_fmt", "yuv420p10le",
            "-color_primaries", "bt2020", "-color_trc", transfer, "-colorspace", "bt2020nc", source,
        ]);

        var (video, output) = await EnhancedJob.RunAsync(source, scratch);

        Assert.Equal(new VideoColor(transfer, "bt2020", "bt2020nc", "tv"), video.Color);
        Assert.Equal("bt709,bt709,bt709", await MediaInspector.VideoStreamFieldAsync(output, "stream=color_space,color_transfer,color_primaries"));
        var frames = await MediaInspector.RgbFramesAsync(output, Width * 2, Height * 2);
        Assert.Equal(25, frames.Count);
        var (red, green, blue) = MeanRgb(frames[12]);
        // Read as BT.709 untouched, the red would be a dull orange-brown, about (167, 69, 45) for SDR, green at 40 %
        // of red. (HLG is also tone-mapped, so its red is darker: only the hue is checked.)
        Assert.True(red > 100 && green < red / 4 && blue < red / 4, string.Create(CultureInfo.InvariantCulture, $"mean colour ({red:F0}, {green:F0}, {blue:F0})"));
    }

    private static double HalfMean(byte[] frame, int width, bool left)
    {
        var margin = width / 8;
        var (first, last) = left ? (0, (width / 2) - margin) : ((width / 2) + margin, width);
        return Enumerable.Range(0, frame.Length / width)
            .SelectMany(y => Enumerable.Range(first, last - first).Select(x => frame[(y * width) + x]))
            .Average(p => p);
    }

    private static (double Red, double Green, double Blue) MeanRgb(byte[] frame)
    {
        var pixels = frame.Length / 3;
        return (
            Enumerable.Range(0, pixels).Average(i => frame[i * 3]),
            Enumerable.Range(0, pixels).Average(i => frame[(i * 3) + 1]),
            Enumerable.Range(0, pixels).Average(i => frame[(i * 3) + 2]));
    }
}
