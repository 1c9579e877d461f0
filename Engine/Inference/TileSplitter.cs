using System.Drawing;

namespace Vsr.Engine.Inference;

/// <summary>
/// Cuts a frame into tiles no larger than a given edge, each with context on every side. Every tile of a frame has a
/// context of the same size, so every model run over the frame sees one input shape: ONNX Runtime's CUDA provider
/// rebuilds its cuDNN convolution plans whenever a Conv node's input shape differs from its previous run's (see
/// docs/gpu-check.md), so tiles of several shapes in turn paid that on every run. Context comes only from inside the
/// image: a tile at the frame border keeps its window inside the frame and takes the missing context from the inner
/// side instead, so at the border the model sees the same zero padding as on the whole frame, and inside it sees real
/// pixels at least <c>overlap</c> deep.
/// <para>
/// A model that pixel-unshuffles its input (SpaceToDepth by u) sees a crop in 2-D blocks of u from the crop's
/// origin, so a window starting off the frame's block grid is unshuffled at another phase than the whole frame, and
/// its result differs from the whole frame's with a step along the tile border. With an <c>alignment</c> of u every
/// interior cut and every window origin lies on a multiple of u, and a window's size is one too unless the window
/// ends at the frame's right or bottom edge, where the model pads exactly as it does on the whole frame.
/// </para>
/// </summary>
public static class TileSplitter
{
    /// <summary>
    /// Splits a <paramref name="width"/> x <paramref name="height"/> frame. A <paramref name="tileSize"/> of 0,
    /// or a frame that fits in one tile, gives one tile covering the frame. With <paramref name="uniform"/> false, a
    /// border tile's context is cut at the frame edge instead (fewer pixels to run, windows of several sizes).
    /// </summary>
    /// <param name="alignment">
    /// The model's unshuffle factor (1 for none): cuts and window origins fall on its multiples. Uniform windows then
    /// share a size congruent to the frame's modulo it, so that the window at the right or bottom edge can end there.
    /// </param>
    public static IReadOnlyList<FrameTile> Split(int width, int height, int tileSize, int overlap, bool uniform = true, int alignment = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegative(tileSize);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alignment);

        var whole = new Rectangle(0, 0, width, height);
        if (tileSize == 0 || (width <= tileSize && height <= tileSize))
        {
            return [new FrameTile(whole, whole)];
        }

        var columns = Cuts(width, tileSize, alignment);
        var rows = Cuts(height, tileSize, alignment);

        // Cores start on the block grid, so context reaching back a whole number of blocks starts on it too.
        var reach = (int)RoundUp(overlap, alignment);

        // One window size for all tiles: the largest core plus the context on both sides, at most the frame.
        var contextWidth = WindowSize(width, LargestSpan(columns), reach + (long)overlap, alignment);
        var contextHeight = WindowSize(height, LargestSpan(rows), reach + (long)overlap, alignment);
        var tiles = new List<FrameTile>((columns.Length - 1) * (rows.Length - 1));
        for (var r = 0; r + 1 < rows.Length; r++)
        {
            for (var c = 0; c + 1 < columns.Length; c++)
            {
                var core = Rectangle.FromLTRB(columns[c], rows[r], columns[c + 1], rows[r + 1]);
                if (!uniform)
                {
                    var around = Rectangle.FromLTRB(core.Left - reach, core.Top - reach, core.Right + reach, core.Bottom + reach);
                    tiles.Add(new FrameTile(core, Rectangle.Intersect(around, whole)));
                    continue;
                }

                var x = Math.Clamp(core.Left - reach, 0, width - contextWidth);
                var y = Math.Clamp(core.Top - reach, 0, height - contextHeight);
                tiles.Add(new FrameTile(core, new Rectangle(x, y, contextWidth, contextHeight)));
            }
        }

        return tiles;
    }

    // Even cuts rather than tileSize steps: 1920 at 256 gives eight tiles of 240, not seven of 256 and a
    // 128-wide remainder that would pay for its full context twice over. Cuts are counted in blocks of the
    // alignment (the last block may be partial), so no core exceeds tileSize unless tileSize is below one block.
    private static int[] Cuts(int length, int tileSize, int alignment)
    {
        var blocks = (int)RoundUp(length, alignment) / alignment;
        var blocksPerTile = Math.Max(1, tileSize / alignment);
        var count = (blocks + blocksPerTile - 1) / blocksPerTile;
        return Enumerable.Range(0, count + 1)
            .Select(i => i == count ? length : (int)((long)i * blocks / count) * alignment)
            .ToArray();
    }

    // At least span + context, congruent to the frame's length modulo the alignment: the window that is pushed
    // against the far edge then starts on the block grid. At most the frame.
    private static int WindowSize(int length, int span, long context, int alignment)
    {
        var least = span + context;
        var size = least + ((((length - least) % alignment) + alignment) % alignment);
        return (int)Math.Min(length, size);
    }

    private static long RoundUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static int LargestSpan(int[] cuts) => Enumerable.Range(0, cuts.Length - 1).Max(i => cuts[i + 1] - cuts[i]);
}
