using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Vsr.Bench.Png;

/// <summary>
/// Writes 8-bit RGB PNG files (colour type 2, no interlace). By default each row gets the filter whose output has the
/// smallest sum of absolute signed bytes, the heuristic libpng uses, and zlib runs at its fastest level, as OpenCV's
/// <c>imwrite</c> does by default.
/// </summary>
public static class PngEncoder
{
    internal static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <param name="filter">One filter for every row; null chooses per row.</param>
    public static byte[] Encode(RgbImage image, PngFilter? filter = null, CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width <= 0 || image.Height <= 0 || image.Pixels.Length != image.Width * image.Height * 3)
        {
            throw new ArgumentException($"{image.Width}x{image.Height} RGB needs {image.Width * image.Height * 3} bytes, not {image.Pixels.Length}", nameof(image));
        }

        using var file = new MemoryStream();
        file.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)image.Height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB; compression, filter method and interlace stay 0
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", Compress(image, filter, level));
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    private static byte[] Compress(RgbImage image, PngFilter? filter, CompressionLevel level)
    {
        var stride = image.Stride;
        var zeros = new byte[stride];
        var candidates = Enumerable.Range(0, 5).Select(_ => new byte[stride + 1]).ToArray();
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            for (var y = 0; y < image.Height; y++)
            {
                var row = image.Pixels.AsSpan(y * stride, stride);
                ReadOnlySpan<byte> above = y == 0 ? zeros : image.Pixels.AsSpan((y - 1) * stride, stride);
                var best = filter is { } only ? Filtered(only, row, above, candidates[(int)only]) : Cheapest(row, above, candidates);
                zlib.Write(best);
            }
        }

        return compressed.ToArray();
    }

    private static byte[] Cheapest(ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, byte[][] candidates)
    {
        var best = candidates[0];
        var bestCost = long.MaxValue;
        for (var f = 0; f < candidates.Length; f++)
        {
            var candidate = Filtered((PngFilter)f, row, above, candidates[f]);
            long cost = 0;
            for (var i = 1; i < candidate.Length; i++)
            {
                cost += Math.Abs((int)(sbyte)candidate[i]);
            }

            if (cost < bestCost)
            {
                (best, bestCost) = (candidate, cost);
            }
        }

        return best;
    }

    private static byte[] Filtered(PngFilter filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, byte[] target)
    {
        target[0] = (byte)filter;
        PngRows.Filter(filter, row, above, target.AsSpan(1));
        return target;
    }

    private static void WriteChunk(Stream file, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        file.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        file.Write(typeBytes);
        file.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, ~Crc32.Append(Crc32.Append(uint.MaxValue, typeBytes), data));
        file.Write(word);
    }
}
