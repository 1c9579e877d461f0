using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Engine.Tests.Variants;
using Vsr.Engine.Variants;

namespace Vsr.Engine.Tests.Inference;

public sealed class OptimizedModelCacheTests : IDisposable
{
    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });
    private static readonly string ModelPath = Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2);

    private readonly string _directory = Directory.CreateTempSubdirectory("vsr-optimized-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_first_session_saves_the_optimized_graph_and_later_sessions_load_it_unchanged()
    {
        var cache = new OptimizedModelCache(_directory);
        var key = new VariantKey(VariantKey.HashOf(ModelPath), ExecutionProviderKind.Cpu, InferencePrecision.Fp32, 256);

        using var first = cache.Open(ModelPath, key, Options);
        var saved = new FileInfo(cache.OptimizedPath(key));
        var written = saved.LastWriteTimeUtc;
        using var second = cache.Open(ModelPath, key, Options);

        Assert.True(saved.Exists);
        Assert.Equal(written, new FileInfo(saved.FullName).LastWriteTimeUtc);
        Assert.Equal(Run(first), Run(second));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void Keys_that_differ_in_provider_precision_or_tile_get_files_of_their_own()
    {
        var cache = new OptimizedModelCache(_directory);
        var key = new VariantKey("0123456789abcdef", ExecutionProviderKind.Cpu, InferencePrecision.Fp32, 256);

        string[] paths =
        [
            cache.OptimizedPath(key),
            cache.OptimizedPath(key with { Provider = ExecutionProviderKind.Cuda }),
            cache.OptimizedPath(key with { Precision = InferencePrecision.Int8 }),
            cache.OptimizedPath(key with { TileSize = 0 }),
            cache.TensorRtEngineDirectory(key),
        ];

        Assert.Equal(paths.Length, paths.Distinct().Count());
        Assert.All(paths, p => Assert.StartsWith(Path.Combine(_directory, ""), p));
        Assert.Contains("0123456789abcdef-fp32-r1-cpu-tile256-", paths[0]);
    }

    [Fact]
    public void A_damaged_saved_graph_is_rebuilt_rather_than_trusted()
    {
        var cache = new OptimizedModelCache(_directory);
        var key = new VariantKey(VariantKey.HashOf(ModelPath), ExecutionProviderKind.Cpu, InferencePrecision.Fp32, 0);
        File.WriteAllBytes(cache.OptimizedPath(key), [1, 2, 3]);

        using var session = cache.Open(ModelPath, key, Options);

        Assert.True(new FileInfo(cache.OptimizedPath(key)).Length > 1000);
    }

    [Fact]
    public void A_cache_that_cannot_be_written_still_opens_the_session()
    {
        var blocker = Path.Combine(_directory, "a-file");
        File.WriteAllBytes(blocker, [0]);
        var cache = new OptimizedModelCache(Path.Combine(blocker, "optimized"));
        var key = new VariantKey(VariantKey.HashOf(ModelPath), ExecutionProviderKind.Cpu, InferencePrecision.Fp32, 256);

        using var session = cache.Open(ModelPath, key, Options);

        Assert.Equal(3 * 24 * 32, Run(session).Length);
    }

    [Fact]
    public void A_variant_is_built_once_and_the_fp32_variant_is_the_model_itself()
    {
        var cache = new OptimizedModelCache(_directory);
        var hash = VariantKey.HashOf(ModelPath);

        var fp16 = cache.VariantPath(ModelPath, hash, InferencePrecision.Fp16);
        var written = File.GetLastWriteTimeUtc(fp16);

        Assert.Equal(ModelPath, cache.VariantPath(ModelPath, hash, InferencePrecision.Fp32));
        Assert.Equal(fp16, cache.VariantPath(ModelPath, hash, InferencePrecision.Fp16));
        Assert.Equal(written, File.GetLastWriteTimeUtc(fp16));
        Assert.Equal(Path.Combine(_directory, $"{hash}-fp16-r{ModelVariants.RecipeVersion}.onnx"), fp16);
    }

    [Fact]
    public void A_device_set_to_int8_runs_the_quantized_variant_from_its_cache_close_to_the_fp32_output()
    {
        var frame = CalibrationFrames.Synthetic(count: 1, size: 32, seed: 5).Frames[0];
        var options = new InferenceOptions { IntraOpThreads = 2, OptimizedCacheDirectory = _directory };
        using var fp32 = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, options, NullLoggerFactory.Instance);
        using var int8 = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { IntraOpThreads = 2, OptimizedCacheDirectory = _directory, Precision = InferencePrecision.Int8 }, NullLoggerFactory.Instance);

        var expected = fp32.GetEnhancer(ModelCatalog.DefaultModel, 2).Enhance([frame], 32, 32, CancellationToken.None)[0];
        var actual = int8.GetEnhancer(ModelCatalog.DefaultModel, 2).Enhance([frame], 32, 32, CancellationToken.None)[0];

        var hash = VariantKey.HashOf(ModelPath);
        Assert.True(File.Exists(Path.Combine(_directory, $"{hash}-int8-r{ModelVariants.RecipeVersion}.onnx")));
        Assert.Single(Directory.GetFiles(_directory, $"{hash}-int8-r{ModelVariants.RecipeVersion}-cpu-tile256-*.onnx"));
        Assert.Single(Directory.GetFiles(_directory, $"{hash}-fp32-r{ModelVariants.RecipeVersion}-cpu-tile256-*.onnx"));
        var psnr = ModelVariantsTests.Psnr(expected.Select(b => b / 255f).ToArray(), actual.Select(b => b / 255f).ToArray());
        Assert.True(psnr >= 30, $"int8 device output is {psnr:F2} dB from fp32");
    }

    private static SessionOptions Options() => new() { IntraOpNumThreads = 2, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };

    private static float[] Run(InferenceSession session)
    {
        var input = Enumerable.Range(0, 3 * 12 * 16).Select(i => (i % 37) / 36f).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 12, 16]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [value], ["output"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
