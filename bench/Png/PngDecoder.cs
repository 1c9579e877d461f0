using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Vsr.Bench.Png;

/// <summary>
/// Reads 8-bit RGB PNG files (colour type 2, no interlace), checking every chunk's CRC. Other kinds of PNG are refused
/// with <see cref="NotSupportedException"/>; damaged files with <see cref="InvalidDataException"/>.
/// </summary>
public static class PngDecoder
{
    public static RgbImage Decode(ReadOnlySpan<byte> png)
    {
        if (!png.StartsWith(PngEncoder.Signature))
        {
            throw new InvalidDataException("Not a PNG file: the 8-byte signature is missing");
        }

        var (width, height) = (0, 0);
        using var compressed = new MemoryStream();
        var position = PngEncoder.Signature.Length;
        while (true)
        {
            if (position + 12 > png.Length)
            {
                throw new InvalidDataException("The PNG ends before its IEND chunk");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            if (length > int.MaxValue || position + 12 + (long)length > png.Length)
            {
                throw new InvalidDataException($"A chunk at byte {position} claims {length} bytes, more than the file holds");
            }

            var typeAndData = png.Slice(position + 4, 4 + (int)length);
            var type = Encoding.ASCII.GetString(typeAndData[..4]);
            var data = typeAndData[4..];
            if (BinaryPrimitives.ReadUInt32BigEndian(png[(position + 8 + (int)length)..]) != Crc32.Compute(typeAndData))
            {
                throw new InvalidDataException($"The {type} chunk at byte {position} fails its CRC check");
            }

            position += 12 + (int)length;
            if (type == "IEND")
            {
                break;
            }

            switch (type)
            {
                case "IHDR":
                    (width, height) = ReadHeader(data);
                    break;
                case "IDAT" when width == 0:
                    throw new InvalidDataException("IDAT comes before IHDR");
                case "IDAT":
                    compressed.Write(data);
                    break;
                case "PLTE":
                    break; // a suggested palette, optional for RGB
                default:
                    if (char.IsAsciiLetterUpper(type[0]))
                    {
                        throw new NotSupportedException($"Critical PNG chunk {type} is not supported");
                    }

                    break; // ancillary: safe to skip
            }
        }

        if (width == 0)
        {
            throw new InvalidDataException("The PNG has no IHDR chunk");
        }

        return new RgbImage(width, height, Unfilter(compressed, width, height));
    }

    private static (int Width, int Height) ReadHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length != 13)
        {
            throw new InvalidDataException($"IHDR has {header.Length} bytes, not 13");
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(header);
        var height = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (width == 0 || height == 0 || (long)width * height * 3 > Array.MaxLength)
        {
            throw new InvalidDataException($"A {width}x{height} picture is empty or too large");
        }

        if (header[8] != 8 || header[9] != 2)
        {
            throw new NotSupportedException($"Only 8-bit RGB PNG is supported, not bit depth {header[8]} with colour type {header[9]}");
        }

        if (header[10] != 0 || header[11] != 0 || header[12] != 0)
        {
            throw new NotSupportedException("Only non-interlaced PNG with compression and filter method 0 is supported");
        }

        return ((int)width, (int)height);
    }

    private static byte[] Unfilter(MemoryStream compressed, int width, int height)
    {
        var stride = width * 3;
        var filtered = new byte[height * (stride + 1)];
        compressed.Position = 0;
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            try
            {
                zlib.ReadExactly(filtered);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"The image data holds fewer than the {filtered.Length} bytes a {width}x{height} picture needs", e);
            }
        }

        var pixels = new byte[height * stride];
        var zeros = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var row = pixels.AsSpan(y * stride, stride);
            filtered.AsSpan((y * (stride + 1)) + 1, stride).CopyTo(row);
            ReadOnlySpan<byte> above = y == 0 ? zeros : pixels.AsSpan((y - 1) * stride, stride);
            PngRows.Unfilter((PngFilter)filtered[y * (stride + 1)], row, above);
        }

        return pixels;
    }
}
