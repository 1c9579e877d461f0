using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Inference;

/// <summary>
/// A TensorRT engine left unreadable in the cache (its writer killed mid-write) is removed and built again. There is no
/// GPU here, so TensorRT's failure is a simulation: ONNX Runtime's own exception with the message its TensorRT provider
/// gives, thrown before the first run of a CPU session as if that run had met the damaged file.
/// </summary>
public sealed class DamagedEngineCacheTests : IDisposable
{
    private const int Width = 64;
    private const int Height = 48;
    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });
    private readonly string _engines = Directory.CreateTempSubdirectory("vsr-engines-").FullName;

    public void Dispose() => Directory.Delete(_engines, recursive: true);

    [Fact]
    public void A_run_that_meets_an_unreadable_cached_engine_removes_it_and_runs_again()
    {
        var frame = Frame();
        using var reference = Enhancer(engineCacheDirectory: null);
        var expected = reference.Enhance([frame], Width, Height, CancellationToken.None);
        var (engine, profile) = DamagedEngine("model_ctx_1x3x48x64.engine");
        var logs = new RecordingLoggerFactory();
        using var enhancer = Enhancer(_engines, logs.CreateLogger("test"));
        var runs = 0;
        enhancer.RunObserver = _ =>
        {
            // TensorRT reads the cached engine at the first run of its shape, until there is none to read.
            runs++;
            if (File.Exists(engine))
            {
                throw Failure(DamagedEngineCache.Marker + engine);
            }
        };

        var actual = enhancer.Enhance([frame], Width, Height, CancellationToken.None);

        Assert.Equal(expected[0], actual[0]);
        Assert.Equal(2, runs);
        Assert.False(File.Exists(engine));
        Assert.False(File.Exists(profile));
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("is built again", StringComparison.Ordinal));
    }

    [Fact]
    public void An_engine_that_stays_unreadable_fails_the_run_after_one_rebuild()
    {
        var (engine, _) = DamagedEngine("again.engine");
        using var enhancer = Enhancer(_engines);
        enhancer.RunObserver = _ => throw Failure(DamagedEngineCache.Marker + engine);

        var failure = Assert.Throws<OnnxRuntimeException>(() => enhancer.Enhance([Frame()], Width, Height, CancellationToken.None));

        Assert.Contains(DamagedEngineCache.Marker, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_outside_the_cache_or_another_failure_is_left_alone()
    {
        var outside = Path.Combine(Path.GetDirectoryName(_engines)!, $"{Path.GetFileName(_engines)}-other.engine");
        File.WriteAllBytes(outside, [1, 2, 3]);
        try
        {
            Assert.False(DamagedEngineCache.TryRemove(Failure(DamagedEngineCache.Marker + outside), _engines, null));
            Assert.False(DamagedEngineCache.TryRemove(Failure(DamagedEngineCache.Marker + Path.Combine(_engines, "..", Path.GetFileName(outside))), _engines, null));
            Assert.True(File.Exists(outside));
            var (engine, _) = DamagedEngine("kept.engine");
            Assert.False(DamagedEngineCache.TryRemove(Failure("CUDA failure 2: out of memory (simulated)"), _engines, null));
            Assert.True(File.Exists(engine));
        }
        finally
        {
            File.Delete(outside);
        }
    }

    private (string Engine, string Profile) DamagedEngine(string name)
    {
        var engine = Path.Combine(_engines, name);
        var profile = Path.ChangeExtension(engine, ".profile");
        File.WriteAllBytes(engine, [0x66, 0x74]);
        File.WriteAllBytes(profile, [1]);
        return (engine, profile);
    }

    private static OnnxFrameEnhancer Enhancer(string? engineCacheDirectory, ILogger? logger = null) =>
        new(new InferenceSession(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), 2,
            new InferenceOptions { TileOverlap = 24, IntraOpThreads = 2 }, tileSize: 0, uniformTiles: true, logger: logger,
            engineCacheDirectory: engineCacheDirectory);

    private static OnnxRuntimeException Failure(string message) => MemoryFallbackTests.Failure(message);

    private static byte[] Frame()
    {
        var frame = new byte[Width * Height * 3];
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = (byte)(i * 7 % 251);
        }

        return frame;
    }
}
