using System.Text;
using Vsr.Queue;

namespace Vsr.Cluster.Tests.Queue;

public sealed class SubmitJobCodecTests
{
    [Fact]
    public void Options_travel_and_a_missing_model_means_the_content_chooses()
    {
        var sent = new SubmitJob(Guid.NewGuid(), "jobs/a/source.mp4", "a.mp4", 4, null, DateTimeOffset.UnixEpoch, "live", Denoise: true, Deblock: false, Sharpen: 0.25,
            CallbackUrl: "https://hooks.example.com/vsr", QualityReport: true,
            Codec: "hevc", Crf: 24, BitDepth: 10);

        var received = SubmitJobCodec.Decode(SubmitJobCodec.Encode(sent));

        Assert.Equal(sent, received);
    }

    [Fact]
    public void A_message_from_before_the_options_reads_with_their_defaults()
    {
        var body = """{"schemaVersion":1,"jobId":"6a1f0e1e-9a55-4a4e-9d1c-3f4c6f0e2b11","sourceKey":"jobs/x/source.mp4","fileName":"x.mp4","scale":2,"model":"realesr-animevideov3","submittedAt":"2026-11-25T00:00:00Z"}""";

        var received = SubmitJobCodec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.Equal(("realesr-animevideov3", "auto", false, false, 0.0), (received.Model, received.Content, received.Denoise, received.Deblock, received.Sharpen));
        Assert.Equal((null, false), (received.CallbackUrl, received.QualityReport));
        Assert.Equal((null, null, 8), (received.Codec, received.Crf, received.BitDepth));
    }

    [Fact]
    public void An_unknown_content_value_is_malformed_and_says_why()
    {
        var body = """{"schemaVersion":1,"jobId":"6a1f0e1e-9a55-4a4e-9d1c-3f4c6f0e2b11","sourceKey":"k","fileName":"x.mp4","scale":2,"submittedAt":"2026-11-25T00:00:00Z","content":"cartoon"}""";

        var error = Assert.Throws<MalformedMessageException>(() => SubmitJobCodec.Decode(Encoding.UTF8.GetBytes(body)));

        Assert.Contains("content", error.Message);
    }

    [Fact]
    public void A_sharpen_strength_outside_0_to_1_is_malformed_and_says_why()
    {
        var body = """{"schemaVersion":1,"jobId":"6a1f0e1e-9a55-4a4e-9d1c-3f4c6f0e2b11","sourceKey":"k","fileName":"x.mp4","scale":2,"submittedAt":"2026-11-25T00:00:00Z","sharpen":3}""";

        var error = Assert.Throws<MalformedMessageException>(() => SubmitJobCodec.Decode(Encoding.UTF8.GetBytes(body)));

        Assert.Contains("sharpen", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void A_scale_other_than_2_or_4_is_malformed_as_the_api_refuses_it(int scale)
    {
        // Before, x1 with a restorer named as the model ran that restorer twice and put out an x1 video.
        var body = $$"""{"schemaVersion":1,"jobId":"6a1f0e1e-9a55-4a4e-9d1c-3f4c6f0e2b11","sourceKey":"k","fileName":"x.mp4","scale":{{scale}},"model":"deblock-x1","deblock":true,"submittedAt":"2026-11-25T00:00:00Z"}""";

        var error = Assert.Throws<MalformedMessageException>(() => SubmitJobCodec.Decode(Encoding.UTF8.GetBytes(body)));

        Assert.Contains("scale (2 or 4)", error.Message);
    }

    [Fact]
    public void The_content_value_is_read_regardless_of_case_as_the_api_reads_it()
    {
        var body = """{"schemaVersion":1,"jobId":"6a1f0e1e-9a55-4a4e-9d1c-3f4c6f0e2b11","sourceKey":"k","fileName":"x.mp4","scale":2,"submittedAt":"2026-11-25T00:00:00Z","content":"Live"}""";

        Assert.Equal("live", SubmitJobCodec.Decode(Encoding.UTF8.GetBytes(body)).Content);
    }
}
