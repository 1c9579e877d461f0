using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

public sealed class OutputCodecTests
{
    private static readonly VideoInfo Video = new(64, 48, 25, 1, 75, TimeSpan.FromSeconds(3), "h264", 1, [], [0]);

    [Theory]
    [InlineData(OutputCodec.H264, 8, "-c:v libx264 -preset veryfast -crf 18", "format=yuv420p,")]
    [InlineData(OutputCodec.Hevc, 10, "-c:v libx265 -preset veryfast -crf 18 -x265-params log-level=error -tag:v hvc1", "format=yuv420p10le,")]
    [InlineData(OutputCodec.Av1, 8, "-c:v libsvtav1 -preset 10 -crf 18", "format=yuv420p,")]
    public void Each_codec_is_encoded_by_its_encoder_at_the_bit_depth_asked_for(OutputCodec codec, int bitDepth, string encoder, string format)
    {
        var arguments = string.Join(' ', ChunkCommandLines.Encode(new EncodeOptions(Codec: codec, BitDepth: bitDepth), Video, "out.mp4"));

        Assert.Contains(encoder, arguments);
        Assert.Contains(format, arguments);
    }

    [Theory]
    [InlineData(null, null, 8, null)]
    [InlineData("HEVC", 0, 10, null)]
    [InlineData("h265", 51, 8, null)]
    [InlineData("av1", 63, 10, null)]
    [InlineData("vp9", null, 8, "'codec' must be one of h264, hevc, av1, not 'vp9'")]
    [InlineData("av1", 0, 8, "'crf' of av1 must be from 1 to 63")]
    [InlineData("h264", 52, 8, "'crf' of h264 must be from 0 to 51")]
    [InlineData("h264", null, 12, "'bitDepth' must be 8 or 10, not 12")]
    public void Settings_are_refused_with_the_allowed_values(string? codec, int? crf, int bitDepth, string? refusal)
    {
        var answer = OutputCodecs.Refusal(codec, crf, bitDepth);

        if (refusal is null)
        {
            Assert.Null(answer);
        }
        else
        {
            Assert.StartsWith(refusal, answer);
        }
    }

    [Fact]
    public void Only_AV1_refuses_pictures_under_64_pixels_a_side()
    {
        Assert.Null(OutputCodec.Av1.SizeRefusal(64, 64));
        Assert.Contains("64x48", OutputCodec.Av1.SizeRefusal(64, 48));
        Assert.Null(OutputCodec.Hevc.SizeRefusal(16, 16));
        Assert.Null(OutputCodec.H264.SizeRefusal(16, 16));
    }
}
