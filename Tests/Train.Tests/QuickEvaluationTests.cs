using Vsr.Train.Data;
using Vsr.Train.Evaluation;

namespace Vsr.Train.Tests;

public sealed class QuickEvaluationTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("vsr-eval-test-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task The_quick_evaluation_scores_every_method_on_held_out_clips_and_writes_its_report()
    {
        var report = Path.Combine(_scratch, "quality.md");

        var exit = await TrainCommandLine.RunAsync(["eval", "--quick", "--report", report, "--images", Path.Combine(_scratch, "png"),
            "--cache", RepositoryPaths.TrainCache, "--models", Path.Combine(RepositoryPaths.Root, "models"),
            "--anime-models", Path.Combine(RepositoryPaths.Root, ".vsr", "models")]);

        Assert.Equal(0, exit);
        var text = await File.ReadAllTextAsync(report);
        foreach (var heading in new[] { "## x2", "## x4", "## denoise σ10", "## denoise σ25", "## x264 crf 40" })
        {
            Assert.Contains(heading, text, StringComparison.Ordinal);
        }

        foreach (var method in new[] { "| bicubic |", "| lanczos |", "| hqdn3d |", "| bm3d |", "| deblock |", "| spp=6:5 |", "| real-x2 |", "| real-x4 |", "| denoise-x1 |", "| deblock-x1 |" })
        {
            Assert.Contains(method, text, StringComparison.Ordinal);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_scratch, "png"), "*.png"));
    }

    [Fact]
    public void Psnr_and_ssim_are_perfect_for_identical_images_and_drop_with_noise()
    {
        var pixels = Enumerable.Range(0, 32 * 24 * 3).Select(i => (byte)(i * 7 % 251)).ToArray();
        var image = new RgbImage(32, 24, pixels);

        var same = ImageQuality.Measure(image, image);
        var noisy = ImageQuality.Measure(image, image with { Pixels = pixels.Select((b, i) => (byte)Math.Clamp(b + (i % 2 == 0 ? 4 : -4), 0, 255)).ToArray() });

        Assert.Equal(100, same.PsnrRgb);
        Assert.Equal(1, same.SsimY, 6);
        Assert.InRange(noisy.PsnrRgb, 35, 37); // ±4 everywhere is MSE ≈ 16: 36.1 dB, a little more where clamped
        Assert.True(noisy.SsimY < 1);
    }
}
