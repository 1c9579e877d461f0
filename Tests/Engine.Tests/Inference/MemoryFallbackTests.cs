using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Inference;

/// <summary>
/// A run that fails for want of memory is run again in smaller tiles. There is no GPU here whose memory could run out,
/// so the failure is a simulation: ONNX Runtime's own exception, with the message its CUDA provider gives, thrown
/// before any run wider than the simulated card holds.
/// </summary>
public sealed class MemoryFallbackTests
{
    private const int Width = 300;
    private const int Height = 200;

    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });

    [Fact]
    public void A_whole_frame_run_out_of_memory_is_run_again_in_halved_tiles_that_stitch_to_the_same_frame()
    {
        var frames = new[] { Frame(1), Frame(2) };
        using var reference = Enhancer(tileSize: 0);
        var whole = reference.Enhance(frames, Width, Height, CancellationToken.None);
        var logs = new RecordingLoggerFactory();
        using var enhancer = Enhancer(tileSize: 0, logs.CreateLogger("test"));
        var shapes = new List<long[]>();
        enhancer.RunObserver = shape =>
        {
            shapes.Add(shape);
            // The simulated card holds windows up to 130 pixels wide: the whole frame and 150-pixel tiles (198 wide
            // with their context) do not fit, 75-pixel ones (123) do.
            if (shape[3] > 130)
            {
                throw OutOfMemory();
            }
        };

        var tiled = enhancer.Enhance(frames, Width, Height, CancellationToken.None);

        Assert.Equal(75, enhancer.TileSize);
        Assert.Equal([Width, 198], shapes.Take(2).Select(s => s[3]));
        Assert.All(shapes.Skip(2), s => Assert.True(s[3] <= 130));
        var diffs = whole.Zip(tiled).SelectMany(pair => pair.First.Zip(pair.Second, (a, b) => Math.Abs(a - b))).ToArray();
        Assert.True(diffs.Max() <= 1, $"the stitched frame differs from the whole one by {diffs.Max()} levels");
        Assert.Equal(2, logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("ran out of memory")));

        // The smaller tiles stay: the next call runs at once in tiles that fit.
        shapes.Clear();
        enhancer.Enhance(frames, Width, Height, CancellationToken.None);
        Assert.NotEmpty(shapes);
        Assert.All(shapes, s => Assert.True(s[3] <= 130));
    }

    [Fact]
    public void A_run_out_of_memory_even_in_the_smallest_tiles_fails_with_onnx_runtimes_reason()
    {
        using var enhancer = Enhancer(tileSize: 0);
        enhancer.RunObserver = _ => throw OutOfMemory();

        var failure = Assert.Throws<OnnxRuntimeException>(() => enhancer.Enhance([Frame(1)], Width, Height, CancellationToken.None));

        // 300 → 150 → 75; half of that is under the smallest tile, so the third failure is the answer.
        Assert.Contains("out of memory", failure.Message);
        Assert.Equal(75, enhancer.TileSize);
        Assert.True(enhancer.TileSize / 2 < OnnxFrameEnhancer.SmallestFallbackTile);
    }

    [Fact]
    public void Other_failures_are_not_taken_for_a_want_of_memory()
    {
        Assert.False(OnnxFrameEnhancer.IsOutOfMemory(Failure("Non-zero status code returned while running Conv node. Name:'conv1' Status Message: invalid input")));
        Assert.True(OnnxFrameEnhancer.IsOutOfMemory(Failure("Failed to allocate memory for requested buffer of size 1073741824")));
        Assert.True(OnnxFrameEnhancer.IsOutOfMemory(Failure("CUBLAS failure 3: CUBLAS_STATUS_ALLOC_FAILED")));

        using var enhancer = Enhancer(tileSize: 0);
        enhancer.RunObserver = _ => throw Failure("invalid input (simulated)");
        Assert.Throws<OnnxRuntimeException>(() => enhancer.Enhance([Frame(1)], Width, Height, CancellationToken.None));
        Assert.Equal(0, enhancer.TileSize);
    }

    private static OnnxFrameEnhancer Enhancer(int tileSize, ILogger? logger = null) =>
        new(new InferenceSession(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), 2,
            new InferenceOptions { TileOverlap = 24, IntraOpThreads = 2 }, tileSize, uniformTiles: true, logger: logger);

    private static OnnxRuntimeException OutOfMemory() =>
        Failure("CUDA failure 2: out of memory ; GPU=0 ; hostname=sim ; (simulated: no GPU here)");

    // ONNX Runtime makes its exceptions itself: their constructor and its error code type are not public.
    internal static OnnxRuntimeException Failure(string message)
    {
        var constructor = typeof(OnnxRuntimeException).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic)
            .Single(c => c.GetParameters() is [{ ParameterType.IsEnum: true }, { ParameterType: var text }] && text == typeof(string));
        var code = Enum.Parse(constructor.GetParameters()[0].ParameterType, "RuntimeException");
        return (OnnxRuntimeException)constructor.Invoke([code, message]);
    }

    private static byte[] Frame(int seed)
    {
        var random = new Random(seed);
        var frame = new byte[Width * Height * 3];
        random.NextBytes(frame);
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = (byte)((frame[i] / 4) + (i / 3 % Width * 2));
        }

        return frame;
    }
}
