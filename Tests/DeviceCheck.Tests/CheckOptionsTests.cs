using Vsr.Engine.Inference;

namespace Vsr.DeviceCheck.Tests;

public sealed class CheckOptionsTests
{
    [Fact]
    public void Without_options_the_check_asks_for_cuda_0_at_the_precisions_cuda_runs()
    {
        var options = CheckOptions.Parse([]);

        Assert.Equal(DeviceId.Parse("cuda:0"), options.Device);
        Assert.Null(options.Precisions);
        Assert.Equal([InferencePrecision.Fp32, InferencePrecision.Fp16], PrecisionsToCheck.For(options.Device.Provider));
        Assert.Equal((640, 360, 256), (options.Width, options.Height, options.TileSize));
    }

    [Fact]
    public void Options_parse_into_their_values()
    {
        var options = CheckOptions.Parse(["--device", "tensorrt:1", "--only", "real-x2, denoise-x1", "--precisions", "fp16", "--size", "320x180", "--runs", "3", "--tile", "0"]);

        Assert.Equal(DeviceId.Parse("tensorrt:1"), options.Device);
        Assert.Equal(["real-x2", "denoise-x1"], options.Only);
        Assert.Equal([InferencePrecision.Fp16], options.Precisions);
        Assert.Equal((320, 180, 3, 0), (options.Width, options.Height, options.Runs, options.TileSize));
    }

    [Fact]
    public void Lists_of_tile_edges_tiles_per_run_and_convolution_searches_make_one_device_case_each()
    {
        var options = CheckOptions.Parse(["--tile", "256,0", "--tiles-per-run", "1,0", "--conv-algo", "heuristic,exhaustive"]);
        var frames = FrameSet.Synthetic(640, 360, 1);

        Assert.Equal(256, options.TileSize); // the CPU reference's
        var cases = NodeCheck.DeviceSettings(options, frames).Select(NodeCheck.Describe).ToArray();

        Assert.Equal(
            [
                "tile 256, 1 per run, conv search heuristic", "tile 256, 6 per run, conv search heuristic", "whole frame, conv search heuristic",
                "tile 256, 1 per run, conv search exhaustive", "tile 256, 6 per run, conv search exhaustive", "whole frame, conv search exhaustive",
            ],
            cases);
    }

    [Theory]
    [InlineData("--tile", "256,big")]
    [InlineData("--conv-algo", "fastest")]
    [InlineData("--device", "gpu:0")]
    [InlineData("--precisions", "fp8")]
    [InlineData("--size", "640")]
    [InlineData("--runs", "0")]
    [InlineData("--colour", "blue")]
    public void A_wrong_option_is_refused_with_a_reason(string name, string value)
    {
        Assert.Throws<FormatException>(() => CheckOptions.Parse([name, value]));
    }
}
