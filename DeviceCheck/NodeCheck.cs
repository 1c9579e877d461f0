using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.DeviceCheck;

/// <summary>
/// Runs the check: for every model whose weights are present, the CPU's fp32 output as the reference, then each
/// precision on the requested device, through the engine's own <see cref="InferenceDevice"/> (provider choice,
/// variant cache, tiling) so that what passes here is what the service runs.
/// </summary>
public sealed class NodeCheck(CheckOptions options, TextWriter progress)
{
    private static readonly DeviceId Cpu = DeviceId.Parse("cpu:0");

    public CheckReport Run()
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var frames = options.FramesPath is null
            ? FrameSet.Synthetic(options.Width, options.Height, options.FrameCount)
            : FrameSet.Load(options.FramesPath, options.Width, options.Height);
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = options.ModelsDirectory, BundledDirectory = options.BundledDirectory });
        var cache = options.CacheDirectory ?? Directory.CreateTempSubdirectory("vsr-device-check-").FullName;
        var precisions = options.Precisions ?? PrecisionsToCheck.For(options.Device.Provider);
        var cases = new List<CaseResult>();
        var skipped = new List<string>();
        foreach (var model in catalog.List().Where(m => options.Only.Count == 0 || options.Only.Contains(m.Name)))
        {
            if (!model.Available)
            {
                skipped.Add($"{model.Name}: its weights are not in {options.ModelsDirectory} or {options.BundledDirectory}");
                continue;
            }

            foreach (var scale in model.Scales)
            {
                progress.WriteLine($"{model.Name} x{scale}: cpu:0 fp32 (reference, tile {options.TileSize})");
                var (reference, referenceError) = Measure(catalog, cache, model.Name, scale, Cpu, InferencePrecision.Fp32, frames, Settings(options.TileSize, 1, options.ConvAlgoSearches[0]));
                foreach (var precision in precisions)
                {
                    foreach (var setting in DeviceSettings(options, frames))
                    {
                        progress.WriteLine($"{model.Name} x{scale}: {options.Device} {precision.ToString().ToLowerInvariant()} ({Describe(setting)})");
                        var (measured, error) = Measure(catalog, cache, model.Name, scale, options.Device, precision, frames, setting);
                        var result = CaseResult.Judge(model.Name, scale, options.Device, precision, measured, reference, error ?? Prefixed("CPU reference", referenceError))
                            with { Setting = Describe(setting) };
                        progress.WriteLine(result.Passed ? "  passed" : $"  FAILED: {string.Join("; ", result.Failures)}");
                        cases.Add(result);
                    }
                }
            }
        }

        return new CheckReport(options, HostInfo.Read(), frames, started, clock.Elapsed, cases, skipped);
    }

    /// <summary>
    /// The device cases per model and precision: every tile edge × convolution search, and for a tiled frame every
    /// tiles-per-run value (0: all tiles of a frame in one run); a frame that is one tile runs once per search.
    /// </summary>
    public static IReadOnlyList<InferenceOptions> DeviceSettings(CheckOptions options, FrameSet frames)
    {
        var settings = new List<InferenceOptions>();
        foreach (var search in options.ConvAlgoSearches)
        {
            foreach (var tile in options.TileSizes)
            {
                var tiles = TileSplitter.Split(frames.Width, frames.Height, tile, new InferenceOptions().TileOverlap).Count;
                var perRun = tiles == 1 ? [1] : options.TilesPerRun.Select(n => n == 0 ? tiles : Math.Min(n, tiles)).Distinct();
                settings.AddRange(perRun.Select(n => Settings(tile, n, search)));
            }
        }

        return settings;
    }

    public static string Describe(InferenceOptions setting) => setting.GpuTileSize == 0
        ? $"whole frame, conv search {setting.CudnnConvAlgoSearch.ToString().ToLowerInvariant()}"
        : $"tile {setting.GpuTileSize}, {setting.TilesPerRun} per run, conv search {setting.CudnnConvAlgoSearch.ToString().ToLowerInvariant()}";

    // The same tile edge whatever provider the device obtains, so a fallback to the CPU is compared like for like.
    private static InferenceOptions Settings(int tile, int tilesPerRun, CudnnConvAlgoSearch search) =>
        new() { TileSize = tile, GpuTileSize = tile, TilesPerRun = tilesPerRun, CudnnConvAlgoSearch = search };

    private static string? Prefixed(string what, string? error) => error is null ? null : $"{what}: {error}";

    // A case that throws (a CUDA library that loads but cannot run, a variant that does not build) fails alone, with
    // ONNX Runtime's words; the other cases still run, so one report shows everything that is wrong with the node.
    private (Measurement? Measurement, string? Error) Measure(ModelCatalog catalog, string cache, string model, int scale, DeviceId id, InferencePrecision precision, FrameSet frames, InferenceOptions setting)
    {
        var log = new CheckLog(progress);
        try
        {
            using var device = new InferenceDevice(id, catalog, new InferenceOptions
            {
                Precision = precision,
                OptimizedCacheDirectory = cache,
                TileSize = setting.TileSize,
                GpuTileSize = setting.GpuTileSize,
                TilesPerRun = setting.TilesPerRun,
                CudnnConvAlgoSearch = setting.CudnnConvAlgoSearch,
            }, log);
            var clock = Stopwatch.StartNew();
            var enhancer = device.GetEnhancer(model, scale);
            var loadMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var outputs = enhancer.Enhance(frames.Frames, frames.Width, frames.Height, CancellationToken.None);
            var firstPassMs = clock.Elapsed.TotalMilliseconds;
            var perFrame = new double[options.Runs];
            for (var run = 0; run < options.Runs; run++)
            {
                clock.Restart();
                enhancer.Enhance(frames.Frames, frames.Width, frames.Height, CancellationToken.None);
                perFrame[run] = clock.Elapsed.TotalMilliseconds / frames.Frames.Count;
            }

            var logged = log.LastValue("Precision");
            InferencePrecision? obtained = Enum.TryParse<InferencePrecision>(logged, out var p) ? p : null;
            return (new Measurement(id, device.ExecutionProvider, obtained, loadMs, firstPassMs, Median(perFrame), outputs, log.Warnings), null);
        }
        catch (Exception e) when (e is OnnxRuntimeException or ModelUnavailableException or InvalidDataException or IOException or DllNotFoundException)
        {
            return (null, $"{id} {precision} did not run: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The middle value (the mean of the middle two for an even count): one slow pass does not move it.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
