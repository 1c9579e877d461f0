using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Xunit.Abstractions;

namespace Vsr.Engine.Tests.Inference;

/// <summary>
/// The x1 restorers pixel-unshuffle their input by 2, so a tile is only processed as in the whole frame when it
/// starts on the frame's 2-pixel grid. 131x101 at 64-pixel tiles used to cut at x = 43 and 87 (odd).
/// </summary>
public sealed class UnshufflingTilesTests(ITestOutputHelper output)
{
    private const int Width = 131;
    private const int Height = 101;

    private static readonly ModelCatalog Catalog = new(new ModelCatalogOptions { Directory = TestModels.Directory });

    [Theory]
    [InlineData("denoise-x1", 2)]
    [InlineData("deblock-x1", 2)]
    [InlineData("real-x2", 1)]
    [InlineData(ModelCatalog.DefaultModel, 1)]
    public void The_catalog_reads_the_unshuffle_factor_from_the_models_graph(string model, int factor)
    {
        var scale = Catalog.List().Single(m => m.Name == model).Scales[0];

        Assert.Equal(factor, Catalog.UnshuffleFactor(model, scale));
    }

    [Theory]
    [InlineData("denoise-x1", 1)]
    [InlineData("denoise-x1", 2)]
    [InlineData("deblock-x1", 1)]
    [InlineData("deblock-x1", 2)]
    public void A_tiled_frame_of_an_unshuffling_model_equals_the_whole_frame_exactly(string model, int tilesPerRun)
    {
        byte[][] frames = [Frame(1), Frame(2)];
        var whole = Enhance(model, new InferenceOptions { TileSize = 0, IntraOpThreads = 2 }, frames);

        // One tile per run on the CPU cuts border windows at the frame edge; several per run give uniform windows.
        // The default overlap of 24 covers the receptive radius (12 convolutions at half resolution), so the result
        // is exact; at 16 a few dozen values differ by one level from the missing context, at odd cuts thousands
        // differ by up to 16 levels.
        var tiled = Enhance(model, new InferenceOptions { TileSize = 64, TileOverlap = 24, TilesPerRun = tilesPerRun, IntraOpThreads = 2 }, frames);

        var diffs = whole.Zip(tiled).SelectMany(pair => pair.First.Zip(pair.Second, (a, b) => Math.Abs(a - b))).ToArray();
        output.WriteLine($"{model}, {tilesPerRun} per run: max |tiled - whole| = {diffs.Max()}, {diffs.Count(d => d != 0)} of {diffs.Length} differ");
        Assert.Equal(0, diffs.Max());
    }

    private static byte[][] Enhance(string model, InferenceOptions options, byte[][] frames)
    {
        using var device = new InferenceDevice(DeviceId.Parse("cpu:0"), Catalog, options, NullLoggerFactory.Instance);
        return device.GetEnhancer(model, 1).Enhance(frames, Width, Height, CancellationToken.None);
    }

    // Edges, gradients and noise in every channel: detail for a denoiser and a deblocker to change everywhere.
    private static byte[] Frame(int seed)
    {
        var random = new Random(seed);
        var frame = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = ((y * Width) + x) * 3;
                var block = ((x / 5) + (y / 7) + seed) % 2 == 0 ? 50 : 0;
                frame[i] = (byte)Math.Clamp(x + block + random.Next(-25, 26), 0, 255);
                frame[i + 1] = (byte)Math.Clamp((2 * y) + random.Next(-25, 26), 0, 255);
                frame[i + 2] = (byte)Math.Clamp(220 - x - y + block + random.Next(-25, 26), 0, 255);
            }
        }

        return frame;
    }
}
