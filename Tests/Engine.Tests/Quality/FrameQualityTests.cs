using Vsr.Engine.Quality;

namespace Vsr.Engine.Tests.Quality;

public sealed class FrameQualityTests
{
    [Fact]
    public async Task A_frame_against_itself_is_100_dB_and_SSIM_1()
    {
        var frame = await UpscaleProbeTests.PictureAsync("testsrc2", 32, 24);
        var luma = FrameQuality.Luma(frame);

        Assert.Equal(100, FrameQuality.Psnr(luma, luma));
        Assert.Equal(1, FrameQuality.Ssim(luma, luma, 32, 24), 12);
    }

    [Fact]
    public void Luma_is_BT601_studio_range_and_PSNR_follows_the_mean_squared_error()
    {
        Assert.Equal(16, FrameQuality.Luma([0, 0, 0])[0], 9);
        Assert.Equal(235, FrameQuality.Luma([255, 255, 255])[0], 9);
        // An error of 5 levels everywhere: 10 log10(255² / 25).
        Assert.Equal(34.151, FrameQuality.Psnr([10, 20, 30], [15, 25, 25]), 3);
    }

    [Fact]
    public void SSIM_falls_as_the_structure_is_lost_and_refuses_planes_smaller_than_its_window()
    {
        var random = new Random(7);
        var plane = Enumerable.Range(0, 32 * 32).Select(_ => (double)random.Next(256)).ToArray();
        var noisy = plane.Select(v => v + random.Next(-40, 41)).ToArray();
        var flat = Enumerable.Repeat(plane.Average(), plane.Length).ToArray();

        var (ssimNoisy, ssimFlat) = (FrameQuality.Ssim(plane, noisy, 32, 32), FrameQuality.Ssim(plane, flat, 32, 32));

        Assert.InRange(ssimNoisy, ssimFlat, 0.99);
        Assert.InRange(ssimFlat, -0.1, 0.1);
        Assert.Throws<ArgumentException>(() => FrameQuality.Ssim(new double[100], new double[100], 10, 10));
    }
}
