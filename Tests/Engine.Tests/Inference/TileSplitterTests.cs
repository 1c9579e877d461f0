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
    public void Cores_cover_every_pixel_once_and_context_stays_inside_the_image(int width, int height, int tileSize, int overlap)
    {
        var tiles = TileSplitter.Split(width, height, tileSize, overlap);
        var hits = new int[width * height];
        var image = new Rectangle(0, 0, width, height);

        foreach (var (core, context) in tiles)
        {
            Assert.True(core.Width <= tileSize && core.Height <= tileSize);
            Assert.True(image.Contains(context) && context.Contains(core));
            Assert.Equal(Math.Max(0, core.Left - overlap), context.Left);
            Assert.Equal(Math.Min(width, core.Right + overlap), context.Right);
            Assert.Equal(Math.Max(0, core.Top - overlap), context.Top);
            Assert.Equal(Math.Min(height, core.Bottom + overlap), context.Bottom);
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

    [Fact]
    public void Tiles_are_cut_evenly_rather_than_leaving_a_thin_remainder()
    {
        var widths = TileSplitter.Split(1920, 200, 256, 24).Select(tile => tile.Core.Width).ToArray();

        Assert.Equal(Enumerable.Repeat(240, 8), widths);
    }
}
