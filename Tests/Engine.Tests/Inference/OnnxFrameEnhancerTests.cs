using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Xunit.Abstractions;

namespace Vsr.Engine.Tests.Inference;

public sealed class OnnxFrameEnhancerTests(ITestOutputHelper output)
{
    private const int Width = 80;
    private const int Height = 60;

    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void Tiled_output_matches_whole_frame_output_within_one_level_everywhere(int scale)
    {
        var frames = Enumerable.Range(0, 3).Select(Frame).ToArray();

        var clock = Stopwatch.StartNew();
        var whole = Enhance(new InferenceOptions { TileSize = 0, BatchSize = 2, IntraOpThreads = 2 }, scale, frames);
        var wholeTime = clock.ElapsedMilliseconds;
        clock.Restart();
        var tiled = Enhance(new InferenceOptions { TileSize = 32, TileOverlap = 24, BatchSize = 2, IntraOpThreads = 2 }, scale, frames);

        var diffs = whole.Zip(tiled).SelectMany(pair => pair.First.Zip(pair.Second, (a, b) => Math.Abs(a - b))).ToArray();
        output.WriteLine(
            $"x{scale}: max |tiled - whole| = {diffs.Max()} levels, {diffs.Count(d => d != 0)} of {diffs.Length} samples differ " +
            $"(whole {wholeTime} ms, tiled {clock.ElapsedMilliseconds} ms, 3 frames {Width}x{Height})");
        Assert.All(tiled, frame => Assert.Equal(Width * scale * Height * scale * 3, frame.Length));
        Assert.True(diffs.Max() <= 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Every_run_of_a_tiled_frame_has_one_input_shape_and_the_stitched_frame_equals_the_whole_one(int tilesPerRun)
    {
        // 100x70 at 32 cuts into 4 x 3 cores of 25 and 23-24 pixels; the border tiles used to get smaller windows.
        const int width = 100;
        const int height = 70;
        var frames = Enumerable.Range(0, 2).Select(i => Frame(i, width, height)).ToArray();
        var whole = Enhance(new InferenceOptions { TileSize = 0, IntraOpThreads = 2 }, 2, frames, width, height);

        // Uniform windows as a CUDA or TensorRT device gets them (a CPU device gets them only with several tiles per run).
        using var enhancer = new OnnxFrameEnhancer(new Microsoft.ML.OnnxRuntime.InferenceSession(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), 2,
            new InferenceOptions { TileSize = 32, TileOverlap = 24, TilesPerRun = tilesPerRun, BatchSize = 2, IntraOpThreads = 2 }, uniformTiles: true);
        var shapes = new List<long[]>();
        enhancer.RunObserver = shapes.Add;
        var tiled = enhancer.Enhance(frames, width, height, CancellationToken.None);

        // 2 frames x 12 tiles in runs of 2 x tilesPerRun items; with 5 per run the third run is filled up from 4 to 10.
        Assert.Equal(24 / (2 * tilesPerRun) + (24 % (2 * tilesPerRun) == 0 ? 0 : 1), shapes.Count);
        Assert.All(shapes, shape => Assert.Equal([2L * tilesPerRun, 3, 70, 73], shape));
        var diffs = whole.Zip(tiled).SelectMany(pair => pair.First.Zip(pair.Second, (a, b) => Math.Abs(a - b))).ToArray();
        output.WriteLine($"{tilesPerRun} per run: {shapes.Count} runs of [{string.Join(", ", shapes[0])}]; max |tiled - whole| = {diffs.Max()}, {diffs.Count(d => d != 0)} of {diffs.Length} differ");
        Assert.True(diffs.Max() <= 1);
        Assert.True(diffs.Count(d => d != 0) < diffs.Length / 1000, "more than 0.1 % of the values differ by a level");
    }

    [Fact]
    public void A_cpu_device_cuts_border_windows_at_the_frame_edge_and_still_matches_the_whole_frame()
    {
        const int width = 100;
        const int height = 70;
        var frames = Enumerable.Range(0, 3).Select(i => Frame(i, width, height)).ToArray();
        var whole = Enhance(new InferenceOptions { TileSize = 0, IntraOpThreads = 2 }, 2, frames, width, height);

        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions { TileSize = 32, TileOverlap = 24, BatchSize = 2, IntraOpThreads = 2 }, NullLoggerFactory.Instance);
        var enhancer = Assert.IsType<OnnxFrameEnhancer>(device.GetEnhancer(ModelCatalog.DefaultModel, 2));
        var shapes = new List<long[]>();
        enhancer.RunObserver = shapes.Add;
        var tiled = enhancer.Enhance(frames, width, height, CancellationToken.None);

        // 12 tiles, each over 3 frames in runs of 2 + 1; border windows are smaller than the uniform 70 x 73.
        Assert.False(enhancer.UniformTiles);
        Assert.Equal(24, shapes.Count);
        Assert.All(shapes, shape => Assert.True(shape[0] <= 2 && shape[2] * shape[3] <= 70 * 73));
        Assert.True(shapes.Sum(shape => shape[0] * shape[2] * shape[3]) < 3L * 12 * 70 * 73);
        Assert.Contains(shapes, shape => shape[2] * shape[3] < 70 * 73);
        var diffs = whole.Zip(tiled).SelectMany(pair => pair.First.Zip(pair.Second, (a, b) => Math.Abs(a - b))).ToArray();
        Assert.True(diffs.Max() <= 1);
        Assert.True(diffs.Count(d => d != 0) < diffs.Length / 1000, "more than 0.1 % of the values differ by a level");
    }

    [Fact]
    public void A_call_that_needs_far_less_than_the_kept_buffers_releases_them_and_one_that_needs_them_keeps_them()
    {
        using var enhancer = new OnnxFrameEnhancer(new Microsoft.ML.OnnxRuntime.InferenceSession(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), 2,
            new InferenceOptions { TileSize = 0, IntraOpThreads = 2 }) { RetainedBufferValues = 1000 };
        var small = Frame(1, 40, 30);

        enhancer.Enhance([Frame(0, 120, 90)], 120, 90, CancellationToken.None);
        Assert.Equal((3 * 120 * 90, 3 * 240 * 180), enhancer.BufferLengths);
        // The call that needs less than half still runs in the large buffers, then lets them go.
        var first = enhancer.Enhance([small], 40, 30, CancellationToken.None);
        Assert.Equal((0, 0), enhancer.BufferLengths);
        // The next one allocates what it needs and keeps it; so does one a little smaller (more than half).
        Assert.Equal(first, enhancer.Enhance([small], 40, 30, CancellationToken.None));
        Assert.Equal((3 * 40 * 30, 3 * 80 * 60), enhancer.BufferLengths);
        enhancer.Enhance([Frame(2, 32, 30)], 32, 30, CancellationToken.None);
        Assert.Equal((3 * 40 * 30, 3 * 80 * 60), enhancer.BufferLengths);
        // Below the retained size nothing is released.
        enhancer.RetainedBufferValues = 1 << 20;
        enhancer.Enhance([Frame(3, 8, 8)], 8, 8, CancellationToken.None);
        Assert.Equal((3 * 40 * 30, 3 * 80 * 60), enhancer.BufferLengths);
    }

    [Fact]
    public void A_cancelled_call_lets_the_kept_buffers_go_too()
    {
        using var enhancer = new OnnxFrameEnhancer(new Microsoft.ML.OnnxRuntime.InferenceSession(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), 2,
            new InferenceOptions { TileSize = 0, IntraOpThreads = 2 }) { RetainedBufferValues = 1000 };
        enhancer.Enhance([Frame(0, 120, 90)], 120, 90, CancellationToken.None);

        // A job's last call cancelled (the user's cancel, a pause): the device may stay idle for long after it.
        Assert.Throws<OperationCanceledException>(() => enhancer.Enhance([Frame(1, 40, 30)], 40, 30, new CancellationToken(canceled: true)));

        Assert.Equal((0, 0), enhancer.BufferLengths);
    }

    [Fact]
    public void Frames_come_back_in_order_whatever_the_batch_size()
    {
        var frames = Enumerable.Range(0, 3).Select(i => Frame(i)[..(16 * 12 * 3)]).ToArray();

        var one = Enhance(new InferenceOptions { BatchSize = 1 }, 4, frames, 16, 12);
        var three = Enhance(new InferenceOptions { BatchSize = 3 }, 4, frames, 16, 12);

        for (var i = 0; i < frames.Length; i++)
        {
            Assert.True(one[i].Zip(three[i], (a, b) => Math.Abs(a - b)).Max() <= 1, $"frame {i}");
        }

        Assert.NotEqual(one[0], one[1]);
    }

    [Fact]
    public void A_flat_grey_frame_stays_grey()
    {
        var grey = Enumerable.Repeat((byte)128, 12 * 10 * 3).ToArray();

        var result = Enhance(new InferenceOptions(), 4, [grey], 12, 10)[0];

        Assert.InRange(result.Average(b => b), 118, 138);
    }

    [Fact]
    public void A_cancelled_token_stops_the_call()
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions(), NullLoggerFactory.Instance);
        var enhancer = device.GetEnhancer(ModelCatalog.DefaultModel, 4);

        Assert.ThrowsAny<OperationCanceledException>(() => enhancer.Enhance([Frame(0)], Width, Height, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void A_frame_of_the_wrong_size_is_rejected()
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, new InferenceOptions(), NullLoggerFactory.Instance);
        var enhancer = device.GetEnhancer(ModelCatalog.DefaultModel, 4);

        Assert.Throws<ArgumentException>(() => enhancer.Enhance([new byte[10]], 4, 4, CancellationToken.None));
    }

    [Fact]
    public void An_enhancer_disposed_during_a_model_run_lets_the_run_end_and_refuses_the_next()
    {
        // Two frames, one to a run; the device's Dispose may come at any point of a call.
        using var enhancer = new OnnxFrameEnhancer(new Microsoft.ML.OnnxRuntime.InferenceSession(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), 2,
            new InferenceOptions { TileSize = 0, BatchSize = 1, IntraOpThreads = 2 });
        var runs = 0;
        enhancer.RunObserver = _ =>
        {
            runs++;
            enhancer.Dispose();
        };

        Assert.Throws<ObjectDisposedException>(() => enhancer.Enhance([Frame(0, 8, 6), Frame(1, 8, 6)], 8, 6, CancellationToken.None));
        Assert.Equal(1, runs);
        Assert.Throws<ObjectDisposedException>(() => enhancer.Enhance([Frame(0, 8, 6)], 8, 6, CancellationToken.None));
    }

    private static byte[][] Enhance(InferenceOptions options, int scale, byte[][] frames, int width = Width, int height = Height)
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, options, NullLoggerFactory.Instance);
        return device.GetEnhancer(ModelCatalog.DefaultModel, scale).Enhance(frames, width, height, CancellationToken.None);
    }

    // Smooth gradients with edges and noise: enough structure for the network to do real work.
    private static byte[] Frame(int seed) => Frame(seed, Width, Height);

    private static byte[] Frame(int seed, int width, int height)
    {
        var random = new Random(seed);
        var frame = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var stripe = ((x + (seed * 7)) / 9 % 2 == 0) ? 60 : 0;
                frame[i] = (byte)Math.Clamp((x * 3) + stripe + random.Next(-20, 21), 0, 255);
                frame[i + 1] = (byte)Math.Clamp((y * 4) + random.Next(-20, 21), 0, 255);
                frame[i + 2] = (byte)Math.Clamp(200 - (x + y) + stripe + random.Next(-20, 21), 0, 255);
            }
        }

        return frame;
    }
}
