using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>
/// The job's source summary says in words what the pipeline does to a source besides enhancing its pictures: picture
/// conversions, and audio or subtitle streams its output container converts or leaves out.
/// </summary>
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

    [Theory]
    [InlineData(1280, 720, 0, "bt709")]
    [InlineData(1024, 576, 0, null)]
    [InlineData(720, 1280, 90, "bt709")]
    [InlineData(480, 854, 90, null)]
    [InlineData(480, 854, 0, "bt709")]
    public void Untagged_video_takes_the_matrix_players_choose_by_its_stored_size(int width, int height, double rotation, string? matrix)
    {
        // Width and height are the upright picture's; a quarter turn means the stream stores them the other way round.
        var video = Plain with { Width = width, Height = height, Rotation = rotation, Color = VideoColor.Untagged };

        Assert.Equal(matrix, ColorConversion.UntaggedMatrix(video));
        Assert.Null(ColorConversion.UntaggedMatrix(video with { Color = new VideoColor("bt709", "bt709", "bt470bg", "tv") }));
    }

    [Fact]
    public void Wide_gamut_SDR_video_says_its_colours_are_converted()
    {
        var conversion = Assert.Single((Plain with { Color = new VideoColor("bt2020-10", "bt2020", "bt2020nc", "tv") }).PictureConversions());
        Assert.StartsWith("converted from BT.2020 primaries to BT.709", conversion);
    }

    [Fact]
    public void A_plain_copy_of_every_stream_is_no_change() =>
        Assert.Empty(VideoAssembler.StreamChanges(Plain with { AudioStreamCount = 1, AudioCodecs = ["aac"], SubtitleCodecs = ["mov_text"] }));

    [Fact]
    public void Streams_the_container_converts_or_leaves_out_are_each_named()
    {
        // Bitmap subtitles make the output Matroska, which cannot store DVD PCM or teletext.
        var video = Plain with
        {
            AudioStreamCount = 2,
            AudioCodecs = ["pcm_dvd", "ac3"],
            AudioStreamsLeftOut = 1,
            SubtitleCodecs = ["dvd_subtitle", "dvb_teletext", "mov_text"],
        };

        Assert.Equal(
        [
            "1 audio stream(s) carry no sound and are left out",
            "audio stream 1 (pcm_dvd) is written as FLAC (lossless) for the Matroska output",
            "subtitle stream 2 (dvb_teletext) is left out: the Matroska output cannot hold it",
            "subtitle stream 3 (mov_text) is written as SRT; its styling, if any, is lost",
        ], VideoAssembler.StreamChanges(video));
    }
}
