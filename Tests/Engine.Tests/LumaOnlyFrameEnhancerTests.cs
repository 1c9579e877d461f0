using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests;

public sealed class LumaOnlyFrameEnhancerTests
{
    [Fact]
    public void It_takes_the_restorers_brightness_change_and_keeps_the_inputs_colour()
    {
        // A restorer that drains the colour and brightens by 10 levels: only the brightening may come through.
        var input = Enumerable.Range(0, 8 * 6).SelectMany(i => new[] { (byte)(40 + i), (byte)(200 - 2 * i), (byte)(90 + 3 * i) }).ToArray();
        var enhancer = new LumaOnlyFrameEnhancer(new GreyingRestorer(brighten: 10));

        var output = Assert.Single(enhancer.Enhance([input], 8, 6, CancellationToken.None));

        for (var i = 0; i < input.Length; i += 3)
        {
            var (yIn, cbIn, crIn) = YCbCr(input, i);
            var (yOut, cbOut, crOut) = YCbCr(output, i);
            Assert.InRange(yOut - yIn, 9, 11); // rounding each channel moves luma by at most half a level
            Assert.InRange(cbOut - cbIn, -0.6, 0.6);
            Assert.InRange(crOut - crIn, -0.75, 0.75);
        }
    }

    [Fact]
    public void It_refuses_an_upscaler()
    {
        Assert.Throws<ArgumentException>(() => new LumaOnlyFrameEnhancer(new GreyingRestorer(0, scale: 2)));
    }

    [Fact]
    public void The_device_runs_deblock_x1_on_luma_only_and_the_upscalers_as_they_are()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = TestModels.Directory, BundledDirectory = RepositoryModels() });
        using var device = new InferenceDevice(new DeviceId("cpu", 0), catalog, new InferenceOptions { IntraOpThreads = 1 }, NullLoggerFactory.Instance);

        Assert.True(catalog.IsLumaOnly("deblock-x1"));
        Assert.False(catalog.IsLumaOnly("denoise-x1")); // noise sits in the colour too
        Assert.IsType<LumaOnlyFrameEnhancer>(device.GetEnhancer("deblock-x1", 1));
        Assert.Same(device.GetEnhancer("deblock-x1", 1), device.GetEnhancer("deblock-x1", 1));
        Assert.IsType<OnnxFrameEnhancer>(device.GetEnhancer("denoise-x1", 1));
    }

    private static (double Y, double Cb, double Cr) YCbCr(byte[] p, int i)
    {
        var y = 0.299 * p[i] + 0.587 * p[i + 1] + 0.114 * p[i + 2];
        return (y, 0.564 * (p[i + 2] - y), 0.713 * (p[i] - y));
    }

    private static string RepositoryModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return Path.Combine(dir.FullName, "models");
            }
        }

        throw new InvalidOperationException("Orleans.sln not found above the test binaries");
    }

    private sealed class GreyingRestorer(int brighten, int scale = 1) : IFrameEnhancer
    {
        public int Scale => scale;

        public int PreferredBatchSize => 1;

        public byte[][] Enhance(IReadOnlyList<byte[]> frames, int width, int height, CancellationToken cancellationToken) =>
            frames.Select(frame =>
            {
                var output = new byte[frame.Length];
                for (var i = 0; i < frame.Length; i += 3)
                {
                    var grey = (byte)Math.Clamp(Math.Round(0.299 * frame[i] + 0.587 * frame[i + 1] + 0.114 * frame[i + 2]) + brighten, 0, 255);
                    output[i] = output[i + 1] = output[i + 2] = grey;
                }

                return output;
            }).ToArray();
    }
}
