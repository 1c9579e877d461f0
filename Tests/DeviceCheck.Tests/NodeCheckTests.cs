using Vsr.Engine.Inference;

namespace Vsr.DeviceCheck.Tests;

/// <summary>The whole check on this machine's CPU, with the smallest bundled model on tiny frames so it stays fast.</summary>
public sealed class NodeCheckTests : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("vsr-device-check-tests-");

    [Fact]
    public void Asking_for_cuda_on_a_machine_without_it_fails_and_says_the_provider_fell_back()
    {
        var report = Check("cuda:0");

        Assert.False(report.Passed);
        var result = Assert.Single(report.Cases);
        Assert.Equal("CPU", result.Device!.Provider);
        Assert.Contains(result.Failures, f => f.Contains("cuda:0 asked for the CUDA provider but got CPU") && f.Contains("falling back to the CPU"));
        Assert.Contains("# Device check of cuda:0: FAIL", MarkdownReport.Render(report));
    }

    [Fact]
    public void The_cpu_checked_against_itself_passes_with_identical_output()
    {
        var report = Check("cpu:0");

        Assert.True(report.Passed);
        var result = Assert.Single(report.Cases);
        Assert.Equal((InferencePrecision?)InferencePrecision.Fp32, result.Device!.Precision);
        Assert.Equal(double.PositiveInfinity, result.Comparison!.Psnr);
        Assert.Contains("| real-x4 | x4 | fp32 | CPU | fp32 |", MarkdownReport.Render(report));
    }

    [Fact]
    public void A_model_whose_weights_are_missing_is_listed_as_not_checked()
    {
        var report = new NodeCheck(Options("cpu:0") with { Only = [Vsr.Engine.Models.ModelCatalog.DefaultModel] }, TextWriter.Null).Run();

        Assert.Empty(report.Cases);
        Assert.False(report.Passed);
        Assert.Contains(report.Skipped, s => s.StartsWith(Vsr.Engine.Models.ModelCatalog.DefaultModel, StringComparison.Ordinal));
    }

    public void Dispose() => _scratch.Delete(recursive: true);

    private CheckReport Check(string device) => new NodeCheck(Options(device), TextWriter.Null).Run();

    // An empty model cache: only the bundled models (copied beside the test binaries) are available.
    private CheckOptions Options(string device) => new()
    {
        Device = DeviceId.Parse(device),
        ModelsDirectory = _scratch.CreateSubdirectory("models").FullName,
        CacheDirectory = _scratch.CreateSubdirectory("cache").FullName,
        Only = ["real-x4"],
        Precisions = [InferencePrecision.Fp32],
        Width = 32,
        Height = 24,
        FrameCount = 1,
        Runs = 1,
    };
}
