using Microsoft.ML.OnnxRuntime;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Inference;

public sealed class RunSizingTests
{
    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });

    [Fact]
    public void Six_2160p_frames_at_x4_go_five_to_a_run_instead_of_overflowing_the_buffer_length()
    {
        // 6 x 3 x 3840 x 2160 x 16 = 2,388,787,200 output values: negative in int arithmetic, past any array's length.
        Assert.True(unchecked(6 * 3 * 3840 * 2160 * 4 * 4) < 0);

        Assert.Equal(5, RunSizing.ItemsPerRun(6, 3840, 2160, 4));
    }

    [Theory]
    [InlineData(6, 304, 304, 4, 6)]
    [InlineData(1, 3840, 2160, 4, 1)]
    [InlineData(8, 1920, 1080, 4, 8)]
    [InlineData(8, 7680, 4320, 2, 5)]
    public void A_run_takes_the_items_asked_for_or_as_many_as_fit(int wanted, int width, int height, int scale, int expected)
    {
        Assert.Equal(expected, RunSizing.ItemsPerRun(wanted, width, height, scale));
    }

    [Fact]
    public void A_window_too_large_for_even_one_item_fails_with_the_settings_to_change()
    {
        var error = Assert.Throws<RunTooLargeException>(() => RunSizing.ItemsPerRun(1, 15360, 8640, 4));

        Assert.Contains("Vsr:Inference:TileSize", error.Message);
        Assert.Contains("Vsr:Inference:GpuTileSize", error.Message);
        Assert.Contains("15360x8640", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_enhancer_whose_buffer_holds_two_frames_runs_a_batch_of_six_two_at_a_time_with_the_same_result(bool uniformTiles)
    {
        const int width = 16;
        const int height = 12;
        var frames = Enumerable.Range(0, 5).Select(seed => Frame(seed, width, height)).ToArray();
        using var single = Enhancer(batchSize: 1, uniformTiles);
        var expected = single.Enhance(frames, width, height, CancellationToken.None);

        using var enhancer = Enhancer(batchSize: 6, uniformTiles);
        enhancer.BufferLimit = 2 * RunSizing.OutputValuesPerItem(width, height, 2);
        var shapes = new List<long[]>();
        enhancer.RunObserver = shapes.Add;
        var actual = enhancer.Enhance(frames, width, height, CancellationToken.None);

        Assert.Equal(3, shapes.Count);
        Assert.All(shapes, shape => Assert.True(shape[0] <= 2));
        Assert.All(expected.Zip(actual), pair => Assert.True(pair.First.Zip(pair.Second, (a, b) => Math.Abs(a - b)).Max() <= 1));
    }

    private static OnnxFrameEnhancer Enhancer(int batchSize, bool uniformTiles) =>
        new(new InferenceSession(Catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2)), 2,
            new InferenceOptions { TileSize = 0, BatchSize = batchSize, IntraOpThreads = 2 }, uniformTiles: uniformTiles);

    private static byte[] Frame(int seed, int width, int height)
    {
        var random = new Random(seed);
        var frame = new byte[width * height * 3];
        random.NextBytes(frame);
        return frame;
    }
}
