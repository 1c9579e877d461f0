using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

public sealed class OutputCodecTests
{
    private static readonly VideoInfo Video = new(64, 48, 25, 1, 75, TimeSpan.FromSeconds(3), "h264", 1, [], [0]);

    [Theory]
    [InlineData(OutputCodec.H264, 8, "-c:v libx264 -preset veryfast -crf 18", "format=yuv420p,")]
    [InlineData(OutputCodec.Hevc, 10, "-c:v libx265 -preset veryfast -crf 18 -x265-params log-level=error -tag:v hvc1", "format=yuv420p10le,")]
    [InlineData(OutputCodec.Av1, 8, "-c:v libsvtav1 -preset 10 -crf 18 -svtav1-params fps-num=25:fps-denom=1", "format=yuv420p,")]
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
    [InlineData(null, null, 10, "'bitDepth' 10 needs 'codec' hevc or av1")]
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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task An_AV1_chunk_of_a_few_frames_is_encoded_with_every_frame(int frames)
    {
        // SVT-AV1 would take a million frames a second from ffmpeg's guess on a pipe of one or two frames, and refuse it.
        using var scratch = new ScratchDirectory();
        var source = scratch.File("short.mp4");
        await TestClips.RunFfmpegAsync(["-f", "lavfi", "-i", $"testsrc2=s=32x32:r=25:d={frames / 25.0}", "-c:v", "libx264", "-pix_fmt", "yuv420p", source]);
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        var output = scratch.File($"av1-{frames}{ChunkTranscoder.ChunkExtension}");

        var outcome = await ChunkTranscoder.TranscodeAsync(source, video, new ChunkSpan(0, 0, video.FrameCount), new NearestNeighbourEnhancer(),
            new EncodeOptions(Crf: 30, Codec: OutputCodec.Av1), output, null, CancellationToken.None);

        Assert.Equal(frames, outcome.FramesWritten);
        Assert.Equal(frames, (await PacketIndex.ReadAsync(output, streamIndex: 0, CancellationToken.None)).FrameCount);
    }

    [Fact]
    public void Only_AV1_refuses_pictures_under_64_pixels_a_side()
    {
        Assert.Null(OutputCodec.Av1.SizeRefusal(64, 64));
        Assert.Null(OutputCodec.Av1.SizeRefusal(16384, 8704));
        Assert.Contains("64x48", OutputCodec.Av1.SizeRefusal(64, 48));
        Assert.Contains("at most 8704 pixels high", OutputCodec.Av1.SizeRefusal(1440 * 4, 2560 * 4));
        Assert.Null(OutputCodec.Hevc.SizeRefusal(16, 16));
        Assert.Null(OutputCodec.H264.SizeRefusal(16, 16));
    }

    [Theory]
    [InlineData(OutputCodec.H264)]
    [InlineData(OutputCodec.Hevc)]
    [InlineData(OutputCodec.Av1)]
    public void Every_codec_refuses_pictures_over_16384_pixels_a_side(OutputCodec codec)
    {
        // Checked by the job too, so a submission that did not come through the API fails before its chunks run.
        Assert.Contains("at most 16384 pixels a side", codec.SizeRefusal(16386, 64));
        Assert.Contains("at most 16384 pixels a side", codec.SizeRefusal(64, 16400));
        Assert.Null(codec == OutputCodec.Av1 ? null : codec.SizeRefusal(16384, 64));
    }
}
