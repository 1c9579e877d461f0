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
/// </summary>
public static class TileSplitter
{
    /// <summary>
    /// Splits a <paramref name="width"/> x <paramref name="height"/> frame. A <paramref name="tileSize"/> of 0,
    /// or a frame that fits in one tile, gives one tile covering the frame. With <paramref name="uniform"/> false, a
    /// border tile's context is cut at the frame edge instead (fewer pixels to run, windows of several sizes).
    /// </summary>
    public static IReadOnlyList<FrameTile> Split(int width, int height, int tileSize, int overlap, bool uniform = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegative(tileSize);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);

        var whole = new Rectangle(0, 0, width, height);
        if (tileSize == 0 || (width <= tileSize && height <= tileSize))
        {
            return [new FrameTile(whole, whole)];
        }

        var columns = Cuts(width, tileSize);
        var rows = Cuts(height, tileSize);

        // One window size for all tiles: the largest core plus the overlap on both sides, at most the frame.
        var contextWidth = (int)Math.Min(width, (long)LargestSpan(columns) + (2L * overlap));
        var contextHeight = (int)Math.Min(height, (long)LargestSpan(rows) + (2L * overlap));
        var tiles = new List<FrameTile>((columns.Length - 1) * (rows.Length - 1));
        for (var r = 0; r + 1 < rows.Length; r++)
        {
            for (var c = 0; c + 1 < columns.Length; c++)
            {
                var core = Rectangle.FromLTRB(columns[c], rows[r], columns[c + 1], rows[r + 1]);
                if (!uniform)
                {
                    var around = Rectangle.FromLTRB(core.Left - overlap, core.Top - overlap, core.Right + overlap, core.Bottom + overlap);
                    tiles.Add(new FrameTile(core, Rectangle.Intersect(around, whole)));
                    continue;
                }

                var x = Math.Clamp(core.Left - overlap, 0, width - contextWidth);
                var y = Math.Clamp(core.Top - overlap, 0, height - contextHeight);
                tiles.Add(new FrameTile(core, new Rectangle(x, y, contextWidth, contextHeight)));
            }
        }

        return tiles;
    }

    // Even cuts rather than tileSize steps: 1920 at 256 gives eight tiles of 240, not seven of 256 and a
    // 128-wide remainder that would pay for its full context twice over.
    private static int[] Cuts(int length, int tileSize)
    {
        var count = (length + tileSize - 1) / tileSize;
        return Enumerable.Range(0, count + 1).Select(i => (int)((long)i * length / count)).ToArray();
    }

    private static int LargestSpan(int[] cuts) => Enumerable.Range(0, cuts.Length - 1).Max(i => cuts[i + 1] - cuts[i]);
}
