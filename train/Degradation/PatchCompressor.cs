using System.Globalization;
using Vsr.Train.Data;

namespace Vsr.Train.Degradation;

/// <summary>
/// Compresses many small patches with one ffmpeg call each way: the patches are tiled into a mosaic whose cells
/// are multiples of 16 pixels, so no JPEG block or x264 macroblock spans two patches.
/// </summary>
public static class PatchCompressor
{
    /// <summary>JPEG at ffmpeg's mjpeg <c>-q:v</c> (2 best … 31 worst), 4:2:0.</summary>
    public static List<byte[]> Jpeg(IReadOnlyList<byte[]> patches, int size, int quality)
    {
        var (mosaic, width, height) = Tile(patches, size);
        var size2 = $"{width}x{height}";
        var jpeg = FfmpegPipe.Run(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size2, "-i", "-", "-c:v", "mjpeg", "-q:v", quality.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuvj420p", "-f", "mjpeg", "-"], mosaic);
        var decoded = FfmpegPipe.Run(["-f", "mjpeg", "-i", "-", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], jpeg);
        return Untile(decoded, patches.Count, size, width);
    }

    /// <summary>
    /// x264 at <paramref name="crf"/> over sequences of frames (each entry of <paramref name="sequences"/> is one
    /// patch's frames in order); returns, per patch, the decoded frame at <paramref name="keep"/>.
    /// </summary>
    public static List<byte[]> X264(IReadOnlyList<byte[][]> sequences, int size, int crf, int keep)
    {
        var frames = sequences[0].Length;
        var raw = new List<byte>();
        var width = 0;
        for (var f = 0; f < frames; f++)
        {
            var (mosaic, w, _) = Tile(sequences.Select(s => s[f]).ToArray(), size);
            width = w;
            raw.AddRange(mosaic);
        }

        var height = raw.Count / frames / 3 / width;
        var stream = FfmpegPipe.Run(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", "25", "-i", "-",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", "-threads", "1", "-f", "h264", "-"], [.. raw]);
        var decoded = FfmpegPipe.Run(["-f", "h264", "-i", "-", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], stream);
        var frameBytes = width * height * 3;
        return Untile(decoded.AsSpan(keep * frameBytes, frameBytes).ToArray(), sequences.Count, size, width);
    }

    private static (byte[] Mosaic, int Width, int Height) Tile(IReadOnlyList<byte[]> patches, int size)
    {
        var columns = (int)Math.Ceiling(Math.Sqrt(patches.Count));
        var rows = (patches.Count + columns - 1) / columns;
        var width = columns * size;
        var mosaic = new byte[width * rows * size * 3];
        for (var i = 0; i < patches.Count; i++)
        {
            var (ox, oy) = (i % columns * size, i / columns * size);
            for (var y = 0; y < size; y++)
            {
                Array.Copy(patches[i], y * size * 3, mosaic, ((oy + y) * width + ox) * 3, size * 3);
            }
        }

        return (mosaic, width, rows * size);
    }

    private static List<byte[]> Untile(byte[] mosaic, int count, int size, int width)
    {
        var columns = width / size;
        var result = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var (ox, oy) = (i % columns * size, i / columns * size);
            var patch = new byte[size * size * 3];
            for (var y = 0; y < size; y++)
            {
                Array.Copy(mosaic, ((oy + y) * width + ox) * 3, patch, y * size * 3, size * 3);
            }

            result.Add(patch);
        }

        return result;
    }
}
