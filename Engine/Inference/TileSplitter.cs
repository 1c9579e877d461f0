using System.Drawing;

namespace Vsr.Engine.Inference;

/// <summary>
/// Cuts a frame into tiles no larger than a given edge, each with context on every side. Context comes
/// only from inside the image, so at the frame border the model sees the same zero padding as on the
/// whole frame, and inside it sees real pixels as far as its receptive field reaches.
/// </summary>
public static class TileSplitter
{
    /// <summary>
    /// Splits a <paramref name="width"/> x <paramref name="height"/> frame. A <paramref name="tileSize"/> of 0,
    /// or a frame that fits in one tile, gives one tile covering the frame.
    /// </summary>
    public static IReadOnlyList<FrameTile> Split(int width, int height, int tileSize, int overlap)
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
        var tiles = new List<FrameTile>((columns.Length - 1) * (rows.Length - 1));
        for (var r = 0; r + 1 < rows.Length; r++)
        {
            for (var c = 0; c + 1 < columns.Length; c++)
            {
                var core = Rectangle.FromLTRB(columns[c], rows[r], columns[c + 1], rows[r + 1]);
                var context = Rectangle.FromLTRB(core.Left - overlap, core.Top - overlap, core.Right + overlap, core.Bottom + overlap);
                tiles.Add(new FrameTile(core, Rectangle.Intersect(context, whole)));
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
}
