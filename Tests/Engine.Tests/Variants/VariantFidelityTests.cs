using Microsoft.Extensions.Logging;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Engine.Tests.Inference;
using Vsr.Engine.Variants;

namespace Vsr.Engine.Tests.Variants;

/// <summary>The INT8 gate: a quantized variant runs only while its output stays close to the fp32 model's.</summary>
public sealed class VariantFidelityTests : IDisposable
{
    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });
    private static readonly string ModelPath = Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2);
    private static readonly byte[] Frame = CalibrationFrames.Synthetic(count: 1, size: 32, seed: 5).Frames[0];

    private readonly string _directory = Directory.CreateTempSubdirectory("vsr-fidelity-").FullName;

    [Fact]
    public void A_model_against_itself_is_infinitely_close_and_its_int8_variant_is_not()
    {
        var fp32 = File.ReadAllBytes(ModelPath);
        var int8 = ModelVariants.Build(fp32, InferencePrecision.Int8);

        Assert.Equal(double.PositiveInfinity, VariantFidelity.PsnrAgainstFp32(fp32, fp32, VariantFidelity.CheckFrames()));
        var psnr = VariantFidelity.PsnrAgainstFp32(fp32, int8, VariantFidelity.CheckFrames());
        // 35.9 dB when measured (2026-11-27); a quantization that lost the picture scores far lower.
        Assert.InRange(psnr, 30, 60);
    }

    [Fact]
    public void The_fidelity_is_measured_once_and_kept_beside_the_variant_until_it_is_rebuilt()
    {
        var cache = new OptimizedModelCache(_directory);
        var hash = VariantKey.HashOf(ModelPath);

        var first = cache.Fidelity(ModelPath, hash, InferencePrecision.Int8);
        var kept = Path.Combine(_directory, $"{hash}-int8-r{ModelVariants.RecipeVersion}.onnx.psnr");
        File.WriteAllText(kept, "31.5");

        Assert.InRange(first, 30, 60);
        Assert.Equal(31.5, cache.Fidelity(ModelPath, hash, InferencePrecision.Int8));
        cache.VariantPath(ModelPath, hash, InferencePrecision.Int8, rebuild: true);
        Assert.False(File.Exists(kept));
        Assert.Equal(first, cache.Fidelity(ModelPath, hash, InferencePrecision.Int8));
        Assert.Equal(double.PositiveInfinity, cache.Fidelity(ModelPath, hash, InferencePrecision.Fp32));
    }

    [Fact]
    public void A_fidelity_that_cannot_be_kept_is_still_measured_and_given()
    {
        var cache = new OptimizedModelCache(_directory);
        var hash = VariantKey.HashOf(ModelPath);
        // Where the measurement would be kept stands a directory: it can be neither read nor written as a file.
        Directory.CreateDirectory(Path.Combine(_directory, $"{hash}-int8-r{ModelVariants.RecipeVersion}.onnx.psnr"));

        Assert.InRange(cache.Fidelity(ModelPath, hash, InferencePrecision.Int8), 30, 60);
    }

    [Fact]
    public void A_device_whose_int8_variant_falls_short_of_the_minimum_runs_fp32_and_says_why()
    {
        var logs = new RecordingLoggerFactory();
        using var strict = Device(minimum: 99, logs);
        using var fp32 = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { IntraOpThreads = 2, OptimizedCacheDirectory = _directory }, logs);

        var gated = strict.GetEnhancer(ModelCatalog.DefaultModel, 2).Enhance([Frame], 32, 32, CancellationToken.None)[0];
        var reference = fp32.GetEnhancer(ModelCatalog.DefaultModel, 2).Enhance([Frame], 32, 32, CancellationToken.None)[0];

        Assert.Equal(reference, gated);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("holds only") && e.Message.Contains("(99 dB); running fp32"));
    }

    [Fact]
    public void A_device_whose_int8_variant_holds_the_minimum_runs_it()
    {
        var logs = new RecordingLoggerFactory();
        using var int8 = Device(minimum: 30, logs);
        using var fp32 = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { IntraOpThreads = 2, OptimizedCacheDirectory = _directory }, logs);

        var quantized = int8.GetEnhancer(ModelCatalog.DefaultModel, 2).Enhance([Frame], 32, 32, CancellationToken.None)[0];
        var reference = fp32.GetEnhancer(ModelCatalog.DefaultModel, 2).Enhance([Frame], 32, 32, CancellationToken.None)[0];

        Assert.NotEqual(reference, quantized);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("dB against fp32"));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("running fp32"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private InferenceDevice Device(double minimum, RecordingLoggerFactory logs) => new(DeviceId.Parse("cpu:0"), Catalog,
        new InferenceOptions { IntraOpThreads = 2, OptimizedCacheDirectory = _directory, Precision = InferencePrecision.Int8, Int8MinPsnrDb = minimum }, logs);
}
