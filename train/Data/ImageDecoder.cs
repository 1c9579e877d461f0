using System.Globalization;

namespace Vsr.Train.Data;

/// <summary>Decodes still images (JPEG, PNG, …) to RGB24 through ffmpeg, optionally halving them with an area filter.</summary>
public static class ImageDecoder
{
    public static RgbImage Decode(byte[] encoded, bool halve = false)
    {
        var probe = System.Text.Encoding.ASCII.GetString(FfmpegPipe.Run(
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", "-i", "-"], encoded, "ffprobe")).Trim().Split(',');
        var width = int.Parse(probe[0], CultureInfo.InvariantCulture);
        var height = int.Parse(probe[1], CultureInfo.InvariantCulture);
        string[] filter = [];
        if (halve)
        {
            width /= 2;
            height /= 2;
            filter = ["-vf", $"scale={width}:{height}:flags=area"];
        }

        var pixels = FfmpegPipe.Run(["-i", "-", .. filter, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], encoded);
        if (pixels.Length != width * height * 3)
        {
            throw new InvalidDataException($"decoded {pixels.Length} bytes, expected {width}x{height} RGB24");
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>Every frame of a video file, as RGB24.</summary>
    public static IEnumerable<RgbImage> DecodeFrames(string path)
    {
        var probe = System.Text.Encoding.ASCII.GetString(FfmpegPipe.Run(
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path], null, "ffprobe")).Trim().Split(',');
        var width = int.Parse(probe[0], CultureInfo.InvariantCulture);
        var height = int.Parse(probe[1], CultureInfo.InvariantCulture);
        var all = FfmpegPipe.Run(["-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]);
        var size = width * height * 3;
        for (var offset = 0; offset + size <= all.Length; offset += size)
        {
            yield return new RgbImage(width, height, all.AsSpan(offset, size).ToArray());
        }
    }
}
