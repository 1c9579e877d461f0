using System.Drawing;
using Vsr.Engine.Inference;

namespace Vsr.Engine.Tests.Inference;

public sealed class TileSplitterTests
{
    [Theory]
    [InlineData(80, 60, 0)]
    [InlineData(80, 60, 80)]
    [InlineData(32, 32, 32)]
    public void A_frame_that_fits_or_tiling_disabled_gives_one_whole_frame_tile(int width, int height, int tileSize)
    {
        var tile = Assert.Single(TileSplitter.Split(width, height, tileSize, 24));

        Assert.Equal(new Rectangle(0, 0, width, height), tile.Core);
        Assert.Equal(tile.Core, tile.Context);
    }

    [Theory]
    [InlineData(80, 60, 32, 24)]
    [InlineData(1920, 1080, 256, 24)]
    [InlineData(33, 7, 32, 24)]
    [InlineData(640, 360, 256, 24)]
    [InlineData(100, 70, 32, 24)]
    [InlineData(300, 40, 64, 8)]
    public void Cores_cover_every_pixel_once_with_at_least_the_overlap_of_context_inside_the_image(int width, int height, int tileSize, int overlap)
    {
        AssertCoresCoverOnceWithContext(TileSplitter.Split(width, height, tileSize, overlap), width, height, tileSize, overlap);
    }

    [Theory]
    [InlineData(640, 360, 256, 24, 262, 228)]
    [InlineData(1920, 1080, 256, 24, 288, 264)]
    [InlineData(80, 60, 32, 24, 75, 60)]
    [InlineData(33, 7, 32, 24, 33, 7)]
    public void Every_tile_of_a_frame_has_the_same_context_size(int width, int height, int tileSize, int overlap, int contextWidth, int contextHeight)
    {
        var tiles = TileSplitter.Split(width, height, tileSize, overlap);

        Assert.True(tiles.Count > 1);
        Assert.All(tiles, tile => Assert.Equal(new Size(contextWidth, contextHeight), tile.Context.Size));
    }

    [Fact]
    public void A_border_tile_takes_its_missing_context_from_the_inner_side()
    {
        // 640 at 256: cores 0-213, 213-426, 426-640; every window is the largest core (214) + 2 x 24 = 262 wide.
        var row = TileSplitter.Split(640, 200, 256, 24).Select(tile => tile.Context).ToArray();

        Assert.Equal([0, 189, 378], row.Select(context => context.Left));
        Assert.Equal([262, 451, 640], row.Select(context => context.Right));
    }

    [Fact]
    public void Tiles_are_cut_evenly_rather_than_leaving_a_thin_remainder()
    {
        var widths = TileSplitter.Split(1920, 200, 256, 24).Select(tile => tile.Core.Width).ToArray();

        Assert.Equal(Enumerable.Repeat(240, 8), widths);
    }

    [Fact]
    public void Without_uniform_windows_a_border_tile_is_cut_at_the_frame_edge()
    {
        var tiles = TileSplitter.Split(768, 576, 256, 24, uniform: false);

        Assert.Equal(9, tiles.Count);
        Assert.Equal(new System.Drawing.Rectangle(0, 0, 280, 216), tiles[0].Context);
        Assert.Equal(new System.Drawing.Rectangle(232, 168, 304, 240), tiles[4].Context);
        Assert.Equal(580_608, tiles.Sum(tile => tile.Context.Width * tile.Context.Height));
        Assert.Equal(656_640, TileSplitter.Split(768, 576, 256, 24).Sum(tile => tile.Context.Width * tile.Context.Height));
    }

    [Theory]
    [InlineData(640, 360, 256, 24, 2, true)]
    [InlineData(640, 360, 256, 24, 2, false)]
    [InlineData(131, 101, 64, 16, 2, true)]
    [InlineData(131, 101, 64, 16, 2, false)]
    [InlineData(130, 100, 64, 16, 2, true)]
    [InlineData(1919, 1079, 256, 24, 4, true)]
    [InlineData(1919, 1079, 256, 23, 4, false)]
    [InlineData(75, 33, 32, 5, 2, true)]
    public void With_an_alignment_cuts_origins_and_inner_window_sizes_fall_on_its_multiples(int width, int height, int tileSize, int overlap, int alignment, bool uniform)
    {
        var tiles = TileSplitter.Split(width, height, tileSize, overlap, uniform, alignment);

        Assert.True(tiles.Count > 1);
        AssertCoresCoverOnceWithContext(tiles, width, height, tileSize, overlap);
        foreach (var (core, context) in tiles)
        {
            Assert.Equal(0, core.Left % alignment);
            Assert.Equal(0, core.Top % alignment);
            Assert.Equal(0, context.Left % alignment);
            Assert.Equal(0, context.Top % alignment);
            Assert.True(context.Right == width || context.Width % alignment == 0 || uniform, $"{context} ends inside the frame off the grid");
            Assert.True(context.Bottom == height || context.Height % alignment == 0 || uniform, $"{context} ends inside the frame off the grid");
        }

        if (uniform)
        {
            // One shape for all, congruent to the frame's size, so the window against the far edge starts on the grid too.
            Assert.Single(tiles.Select(tile => tile.Context.Size).Distinct());
            Assert.Equal(width % alignment, tiles[0].Context.Width % alignment);
            Assert.Equal(height % alignment, tiles[0].Context.Height % alignment);
        }
    }

    [Fact]
    public void Aligned_to_two_640_pixels_at_256_are_cut_at_212_and_426_not_213()
    {
        var row = TileSplitter.Split(640, 200, 256, 24, alignment: 2);

        Assert.Equal([0, 212, 426], row.Select(tile => tile.Core.Left));
        Assert.Equal([0, 188, 378], row.Select(tile => tile.Context.Left));
        Assert.All(row, tile => Assert.Equal(262, tile.Context.Width));
        Assert.Equal(TileSplitter.Split(640, 200, 256, 24), TileSplitter.Split(640, 200, 256, 24, alignment: 1));
    }

    /// <summary>Cores no larger than a tile cover every pixel once; each window lies in the frame around its core, with at least the overlap of context where the frame allows.</summary>
    private static void AssertCoresCoverOnceWithContext(IReadOnlyList<FrameTile> tiles, int width, int height, int tileSize, int overlap)
    {
        var hits = new int[width * height];
        var image = new Rectangle(0, 0, width, height);
        foreach (var (core, context) in tiles)
        {
            Assert.True(core.Width <= tileSize && core.Height <= tileSize);
            Assert.True(image.Contains(context) && context.Contains(core));
            Assert.True(context.Left <= Math.Max(0, core.Left - overlap));
            Assert.True(context.Right >= Math.Min(width, core.Right + overlap));
            Assert.True(context.Top <= Math.Max(0, core.Top - overlap));
            Assert.True(context.Bottom >= Math.Min(height, core.Bottom + overlap));
            for (var y = core.Top; y < core.Bottom; y++)
            {
                for (var x = core.Left; x < core.Right; x++)
                {
                    hits[(y * width) + x]++;
                }
            }
        }

        Assert.All(hits, count => Assert.Equal(1, count));
    }
}
