using System.Globalization;
using Vsr.Train.Data;

namespace Vsr.Train.Evaluation;

/// <summary>The classical baselines and degradations, each one ffmpeg call on one raw RGB24 frame.</summary>
public static class FrameFilters
{
    public static RgbImage Filter(RgbImage frame, string filter, int width, int height) =>
        new(width, height, FfmpegPipe.Run(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{frame.Width}x{frame.Height}", "-i", "-",
            "-vf", filter, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], frame.Pixels));

    /// <summary>Resizes with one of swscale's kernels (<c>bicubic</c>, <c>lanczos</c>, <c>area</c>).</summary>
    public static RgbImage Resize(RgbImage frame, int width, int height, string kernel) =>
        Filter(frame, $"scale={width}:{height}:flags={kernel}", width, height);

    /// <summary>Adds white Gaussian noise of <paramref name="sigma"/> (0..255 scale) to every channel, seeded.</summary>
    public static RgbImage AddNoise(RgbImage frame, double sigma, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[frame.Pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            var n = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * sigma;
            pixels[i] = (byte)Math.Clamp(Math.Round(frame.Pixels[i] + n), 0, 255);
        }

        return frame with { Pixels = pixels };
    }

    /// <summary>Encodes the frames in order with libx264 at <paramref name="crf"/> (yuv420p, preset medium) and decodes them.</summary>
    public static List<RgbImage> X264(IReadOnlyList<RgbImage> frames, int crf)
    {
        var (w, h) = (frames[0].Width, frames[0].Height);
        var stream = FfmpegPipe.Run(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{w}x{h}", "-r", "25", "-i", "-",
            "-c:v", "libx264", "-crf", crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", "-f", "h264", "-"], frames.SelectMany(f => f.Pixels).ToArray());
        var decoded = FfmpegPipe.Run(["-f", "h264", "-i", "-", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], stream);
        var size = w * h * 3;
        return Enumerable.Range(0, decoded.Length / size).Select(i => new RgbImage(w, h, decoded.AsSpan(i * size, size).ToArray())).ToList();
    }

    public static void SavePng(RgbImage image, string path) =>
        FfmpegPipe.Run(["-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{image.Width}x{image.Height}", "-i", "-", "-frames:v", "1", path], image.Pixels);
}
