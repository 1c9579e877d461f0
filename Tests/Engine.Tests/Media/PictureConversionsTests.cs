using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>The job's source summary says in words what the pipeline does to a source's pictures besides enhancing them.</summary>
public sealed class PictureConversionsTests
{
    private static readonly VideoInfo Plain = new(64, 48, 25, 1, 25, TimeSpan.FromSeconds(1), "h264", 0, [], [0]);

    [Fact]
    public void Progressive_BT709_video_needs_no_conversion() =>
        Assert.Empty((Plain with { FieldOrder = "progressive", Color = new VideoColor("bt709", "bt709", "bt709", "tv") }).PictureConversions());

    [Fact]
    public void Interlaced_HDR_video_cut_mid_GOP_lists_each_conversion()
    {
        var video = Plain with
        {
            FieldOrder = "tt",
            Color = new VideoColor("smpte2084", "bt2020", "bt2020nc", "tv"),
            UndecodableLeadingFrames = 3,
        };

        Assert.Equal(
        [
            "3 frame(s) before the first keyframe cannot be decoded and are left out",
            "deinterlaced (field order tt)",
            "tone-mapped from HDR (smpte2084) to BT.709 SDR",
        ], video.PictureConversions());
    }

    [Fact]
    public void Wide_gamut_SDR_video_says_its_colours_are_converted()
    {
        var conversion = Assert.Single((Plain with { Color = new VideoColor("bt2020-10", "bt2020", "bt2020nc", "tv") }).PictureConversions());
        Assert.StartsWith("converted from BT.2020 primaries to BT.709", conversion);
    }
}
