namespace Vsr.Bench.Png;

/// <summary>
/// Row filtering both ways for 3-byte pixels. <c>a</c> is the byte one pixel to the left, <c>b</c> the byte above,
/// <c>c</c> the byte above-left; all are 0 outside the image.
/// </summary>
internal static class PngRows
{
    private const int PixelBytes = 3;

    /// <summary>Writes <paramref name="row"/> filtered with <paramref name="filter"/> into <paramref name="target"/> (same length).</summary>
    public static void Filter(PngFilter filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, Span<byte> target)
    {
        for (var i = 0; i < row.Length; i++)
        {
            var a = i >= PixelBytes ? row[i - PixelBytes] : 0;
            var c = i >= PixelBytes ? above[i - PixelBytes] : 0;
            target[i] = (byte)(row[i] - Predict(filter, a, above[i], c));
        }
    }

    /// <summary>Undoes <paramref name="filter"/> in place: <paramref name="row"/> holds filtered bytes and ends as pixels.</summary>
    public static void Unfilter(PngFilter filter, Span<byte> row, ReadOnlySpan<byte> above)
    {
        for (var i = 0; i < row.Length; i++)
        {
            var a = i >= PixelBytes ? row[i - PixelBytes] : 0;
            var c = i >= PixelBytes ? above[i - PixelBytes] : 0;
            row[i] = (byte)(row[i] + Predict(filter, a, above[i], c));
        }
    }

    private static int Predict(PngFilter filter, int a, int b, int c) => filter switch
    {
        PngFilter.None => 0,
        PngFilter.Sub => a,
        PngFilter.Up => b,
        PngFilter.Average => (a + b) >> 1,
        PngFilter.Paeth => Paeth(a, b, c),
        _ => throw new InvalidDataException($"PNG filter type {(int)filter} does not exist (0–4)"),
    };

    // The neighbour closest to a + b - c, ties in the order a, b, c (PNG specification, filter type 4).
    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
