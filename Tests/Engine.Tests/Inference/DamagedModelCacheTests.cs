using Microsoft.Extensions.Logging;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Engine.Variants;

namespace Vsr.Engine.Tests.Inference;

/// <summary>A crash can leave a cached file short or empty; the next load builds it again instead of failing for good.</summary>
public sealed class DamagedModelCacheTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vsr-damaged-").FullName;

    public DamagedModelCacheTests()
    {
        var source = Directory.CreateDirectory(Path.Combine(_directory, "source")).FullName;
        File.Copy(TestModels.ParamPath, Path.Combine(source, Path.GetFileName(TestModels.ParamPath)));
        File.Copy(TestModels.BinPath, Path.Combine(source, Path.GetFileName(TestModels.BinPath)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void A_truncated_converted_model_is_converted_again_and_the_device_runs(int keptBytes)
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = _directory });
        var path = catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2);
        var length = new FileInfo(path).Length;
        Truncate(path, keptBytes);

        var logs = new RecordingLoggerFactory();
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), catalog, new InferenceOptions { IntraOpThreads = 2 }, logs);
        var output = device.GetEnhancer(ModelCatalog.DefaultModel, 2).Enhance([new byte[8 * 6 * 3]], 8, 6, CancellationToken.None);

        Assert.Equal(16 * 12 * 3, Assert.Single(output).Length);
        Assert.Equal(length, new FileInfo(path).Length);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("converting it again"));
    }

    [Fact]
    public void A_truncated_cached_variant_is_built_again_rather_than_running_fp32_for_good()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = _directory });
        var options = new InferenceOptions { Precision = InferencePrecision.Fp16, IntraOpThreads = 2 };
        using (var first = new InferenceDevice(DeviceId.Parse("cpu:0"), catalog, options, new RecordingLoggerFactory()))
        {
            first.GetEnhancer(ModelCatalog.DefaultModel, 2);
        }

        // The variant is only read while no optimized graph of it is saved, so the damage shows once that is gone too.
        var cache = Path.Combine(_directory, "optimized");
        var variant = Assert.Single(Directory.GetFiles(cache, $"*-fp16-r{ModelVariants.RecipeVersion}.onnx"));
        var length = new FileInfo(variant).Length;
        foreach (var saved in Directory.GetFiles(cache).Where(file => file != variant))
        {
            File.Delete(saved);
        }

        Truncate(variant, 0);

        var logs = new RecordingLoggerFactory();
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), catalog, options, logs);
        device.GetEnhancer(ModelCatalog.DefaultModel, 2);

        Assert.Equal(length, new FileInfo(variant).Length);
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("building it again"));
        Assert.DoesNotContain(logs.Entries, entry => entry.Message.Contains("running fp32"));
        Assert.Contains(logs.Entries, entry => entry.Message.Contains("Loaded") && entry.Message.Contains("Fp16"));
    }

    private static void Truncate(string path, int keptBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(keptBytes);
    }
}
